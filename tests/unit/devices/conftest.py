import pytest

from iotsphere.domain.devices.messages import NewDevice, NewDeviceType
from iotsphere.services.devices.onboarding import onboard_devices
from iotsphere.services.devices.registry import create_device_type
from tests.unit.devices.fakes import fake_ports

ORG = "org1"
OTHER_ORG = "org2"
THERMO = NewDeviceType(
    id="thermo",
    name="Thermostat",
    firmware_family="thermo-fw",
    config_schema={
        "type": "object",
        "properties": {
            "interval_s": {"type": "integer", "minimum": 1, "maximum": 3600},
            "mode": {"type": "string", "enum": ["eco", "boost"]},
            "net": {"type": "object", "additionalProperties": True},
        },
    },
    default_config={"interval_s": 60, "mode": "eco"},
    metrics=[{"name": "temperature", "unit": "degC", "minimum": -40, "maximum": 85}],
    templates={"fast": {"interval_s": 5}, "broken": {"net": {"x": 1}}},
)


@pytest.fixture
def ports():
    ports = fake_ports()
    create_device_type(ORG, THERMO, ports)
    create_device_type(OTHER_ORG, THERMO, ports)
    return ports


def onboard(ports, name="t1", org=ORG, **fields):
    (package,) = onboard_devices(org, [NewDevice(name=name, device_type="thermo", **fields)], ports)
    return package
