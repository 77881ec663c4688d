from datetime import UTC, datetime

import pytest

from iotsphere.domain.devices.device_type import DeviceType
from iotsphere.domain.devices.metric_checks import metric_problems

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
THERMO = DeviceType.model_validate(
    {
        "id": "thermo", "org_id": "org1", "name": "T", "firmware_family": "fw", "created_at": T0,
        "metrics": [
            {"name": "temperature", "unit": "degC", "minimum": -40, "maximum": 85},
            {"name": "door", "kind": "boolean"},
            {"name": "mode", "kind": "string"},
            {"name": "rssi", "maximum": 0},
        ],
    }
)  # fmt: skip


def test_plausible_metrics_have_no_problems():
    assert metric_problems(THERMO, {"temperature": 21.5, "door": False, "mode": "eco"}) == []


@pytest.mark.parametrize(
    ("metrics", "kind", "detail"),
    [
        ({"humidity": 40.0}, "undeclared", "humidity is not a metric of device type thermo"),
        ({"door": 1.0}, "wrong_kind", "door must be a boolean, got a number"),
        ({"mode": 2.0}, "wrong_kind", "mode must be a string, got a number"),
        ({"temperature": "hot"}, "wrong_kind", "temperature must be a number, got a string"),
        ({"temperature": 90.0}, "out_of_range", "temperature = 90 degC is outside [-40.0, 85.0]"),
        ({"temperature": -41.0}, "out_of_range", "temperature = -41 degC is outside [-40.0, 85.0]"),
        ({"rssi": 3.0}, "out_of_range", "rssi = 3 is outside [-inf, 0.0]"),
    ],
)
def test_each_problem_is_named(metrics, kind, detail):
    (problem,) = metric_problems(THERMO, metrics)
    assert (problem.kind, problem.detail) == (kind, detail)


def test_a_type_without_declared_metrics_accepts_anything():
    bare = THERMO.model_copy(update={"metrics": []})
    assert metric_problems(bare, {"anything": "x"}) == []
