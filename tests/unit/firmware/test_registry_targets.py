"""Rollout targets from the device registry, through its repository ports (their fakes)."""

from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.domain.devices.device_type import DeviceType
from iotsphere.domain.firmware.rollout import RolloutTarget
from iotsphere.services.firmware.registry_targets import RegistryTargets
from tests.unit.devices.fakes import FakeDevices, FakeTypes
from tests.unit.firmware.factories import NOW


def registry() -> RegistryTargets:
    types = FakeTypes()
    for org, type_id, family in [
        ("acme", "pump-a", "pump-v2"),
        ("acme", "pump-b", "pump-v2"),
        ("acme", "valve", "valve-v1"),
        ("globex", "pump-a", "pump-v2"),
    ]:
        types.add(
            DeviceType(id=type_id, org_id=org, name=type_id, firmware_family=family, created_at=NOW)
        )
    devices = FakeDevices()

    def add(device_id, org="acme", device_type="pump-a", groups=(), tags=(), **extra):
        devices.add(
            [
                Device(
                    id=device_id,
                    org_id=org,
                    name=device_id,
                    device_type=device_type,
                    groups=list(groups),
                    tags=list(tags),
                    status_changed_at=NOW,
                    created_at=NOW,
                    **extra,
                )
            ]
        )

    for i in range(450):  # more than two pages of the registry's search
        add(f"pump-{i:03}", device_type="pump-a" if i % 2 else "pump-b", groups=["north"])
    add("lone-pump", tags=["beta"])
    add("tagged-pump", tags=["canary", "eu"])
    add("retired-pump", groups=["north"], status=DeviceStatus.DECOMMISSIONED)
    add("valve-001", device_type="valve", groups=["north"], tags=["beta"])
    add("foreign-pump", org="globex", groups=["north"], tags=["beta"])
    return RegistryTargets(devices, types)


def test_groups_tags_and_ids_of_the_family_each_once_without_decommissioned_devices():
    found = registry().resolve(
        "acme",
        RolloutTarget(
            device_ids=["pump-001", "lone-pump", "valve-001", "foreign-pump", "retired-pump"],
            groups=["north", "south"],
            tags=["beta", "canary"],
        ),
        "pump-v2",
    )
    assert len(found) == len(set(found)) == 452
    assert {"lone-pump", "tagged-pump", "pump-000", "pump-449"} <= set(found)
    assert not {"valve-001", "foreign-pump", "retired-pump"} & set(found)


def test_a_family_no_device_type_declares_reaches_nobody():
    assert registry().resolve("acme", RolloutTarget(groups=["north"]), "sensor-v9") == []


def test_the_organization_of_a_device_comes_from_the_registry():
    targets = registry()
    assert targets.organization_of("foreign-pump") == "globex"
    assert targets.organization_of("ghost") is None
