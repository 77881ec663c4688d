from datetime import UTC, datetime

import pytest

from iotsphere.domain.devices.config_schema import ConfigSchema
from iotsphere.domain.devices.errors import InvalidConfigError
from iotsphere.domain.devices.shadow import Shadow

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
SCHEMA = ConfigSchema.model_validate(
    {
        "type": "object",
        "properties": {"rate": {"type": "integer", "minimum": 1}, "mode": {"type": "string"}},
    }
)


def test_a_patch_merges_validates_and_raises_the_desired_version():
    shadow = Shadow(
        org_id="org1", device_id="dev-0001", desired={"rate": 5, "mode": "a"}, desired_version=3
    )
    patched = shadow.patched({"rate": 10, "mode": None}, SCHEMA, T0)
    assert (patched.desired, patched.desired_version, patched.desired_at) == ({"rate": 10}, 4, T0)


def test_an_invalid_result_is_refused_and_nothing_changes():
    shadow = Shadow(org_id="org1", device_id="dev-0001", desired={"rate": 5})
    with pytest.raises(InvalidConfigError, match=r"\$.rate: must be >= 1"):
        shadow.patched({"rate": 0}, SCHEMA, T0)
    assert shadow.desired == {"rate": 5}


def test_a_report_that_is_not_newer_is_dropped():
    shadow = Shadow(org_id="org1", device_id="dev-0001", reported={"rate": 5}, reported_version=7)
    assert shadow.with_report({"rate": 1}, 7, T0) is None
    assert shadow.with_report({"rate": 1}, 6, T0) is None
    newer = shadow.with_report({"rate": 1}, 8, T0)
    assert newer is not None
    assert (newer.reported, newer.reported_version) == ({"rate": 1}, 8)


def test_the_delta_is_desired_minus_reported():
    shadow = Shadow(
        org_id="org1",
        device_id="dev-0001",
        desired={"rate": 5, "mode": "a"},
        reported={"rate": 5, "mode": "b"},
    )
    assert shadow.delta == {"mode": "a"}
