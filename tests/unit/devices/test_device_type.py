from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from iotsphere.domain.devices.device_type import DeviceType

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
SCHEMA = {"type": "object", "properties": {"rate": {"type": "integer", "minimum": 1}}}


def device_type(**changes) -> DeviceType:
    base = {
        "id": "thermo", "org_id": "org1", "name": "Thermostat", "firmware_family": "thermo-fw",
        "config_schema": SCHEMA, "default_config": {"rate": 5}, "created_at": T0,
        "metrics": [{"name": "temperature", "unit": "degC", "minimum": -40, "maximum": 85}],
        "templates": {"fast": {"rate": 1}},
    }  # fmt: skip
    return DeviceType.model_validate(base | changes)


def test_a_complete_profile_is_accepted():
    thermo = device_type()
    spec = thermo.metric("temperature")
    assert spec is not None
    assert (spec.unit, spec.minimum, spec.maximum) == ("degC", -40, 85)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"default_config": {"rate": 0}}, "default_config breaks config_schema"),
        ({"templates": {"bad": {"rate": "x"}}}, "template bad breaks config_schema"),
        ({"metrics": [{"name": "t", "minimum": 5, "maximum": 1}]}, "minimum is above maximum"),
        ({"metrics": [{"name": "t"}, {"name": "t"}]}, "metric names must be unique"),
        ({"config_schema": {"type": "string"}}, "must describe an object"),
        ({"id": "Bad Id"}, "String should match pattern"),
    ],
)
def test_an_inconsistent_profile_is_refused(changes, message):
    with pytest.raises(ValidationError, match=message):
        device_type(**changes)
