"""Shared test data of the device tests: two organizations, a device type, onboarding one device."""

from iotsphere.domain.devices.messages import NewDevice, NewDeviceType
from iotsphere.services.devices.onboarding import onboard_devices

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


def onboard(ports, name="t1", org=ORG, **fields):
    (package,) = onboard_devices(org, [NewDevice(name=name, device_type="thermo", **fields)], ports)
    return package
