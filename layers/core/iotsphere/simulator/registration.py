"""The simulated fleet in the device registry, so the API shows it like any other fleet.

``iotsphere simulate --register-as <e-mail>`` adds, once, a device type per simulated kind
(``sim-pump`` …, with the metrics it sends and their units) and each simulated device under its
simulator id, in the organization of that user. The simulator publishes with its own MQTT
identity, not with device credentials, so these devices have none: they are tagged ``simulated``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.adapters.mongo_devices_types import COLLECTION as TYPES
from iotsphere.adapters.mongo_devices_types import MongoDeviceTypeRepository
from iotsphere.adapters.mongo_identity import COLLECTIONS as IDENTITY
from iotsphere.adapters.mongo_identity_users import MongoUserRepository
from iotsphere.bootstrap import connect_mongo
from iotsphere.domain.devices.device import Device
from iotsphere.domain.devices.device_type import DeviceType, MetricSpec
from iotsphere.settings import Settings
from iotsphere.simulator.device_types import DeviceType as SimulatedKind
from iotsphere.simulator.errors import SimulatorError
from iotsphere.simulator.fleet import SimulatedDevice

UNITS = {
    "temperature": "°C",
    "vibration": "mm/s",
    "pressure": "kPa",
    "current": "A",
    "humidity": "%",
    "rpm": "1/min",
}


def type_id(kind: SimulatedKind) -> str:
    return f"sim-{kind.name}"


def metrics_of(kind: SimulatedKind) -> list[MetricSpec]:
    names = ["temperature", "vibration", "pressure", "current"]
    names += ["humidity"] * (kind.humidity_pct is not None) + ["rpm"] * (kind.rpm is not None)
    specs = [MetricSpec(name=name, unit=UNITS[name]) for name in names]
    if kind.has_door:
        specs.append(MetricSpec(name="door_open", kind="boolean"))
    if kind.has_mode:
        specs.append(MetricSpec(name="mode", kind="string"))
    return specs


def register_fleet(fleet: Sequence[SimulatedDevice], settings: Settings, email: str) -> int:
    """Add the fleet's missing types and devices to ``email``'s organization; returns how many
    devices were new. Raises ``SimulatorError`` when no such user exists."""
    database = connect_mongo(settings)
    try:
        user = MongoUserRepository(database[IDENTITY["users"]]).find_by_email(email)
        if user is None:
            raise SimulatorError(f"no user {email}: start the stack first (iotsphere local up)")
        types = MongoDeviceTypeRepository(database[TYPES])
        devices = MongoDeviceRepository(database[DEVICES])
        now = datetime.now(tz=UTC)
        for kind in {device.profile.device_type for device in fleet}:
            if types.get(user.org_id, type_id(kind)) is None:
                types.add(
                    DeviceType(
                        id=type_id(kind),
                        org_id=user.org_id,
                        name=f"Simulated {kind.name}",
                        firmware_family=type_id(kind),
                        metrics=metrics_of(kind),
                        created_at=now,
                    )
                )
        new = [
            Device(
                id=device.device_id,
                org_id=user.org_id,
                name=device.device_id,
                device_type=type_id(device.profile.device_type),
                tags=["simulated"],
                status_changed_at=now,
                created_at=now,
            )
            for device in fleet
            if devices.get(user.org_id, device.device_id) is None
        ]
        if new:
            devices.add(new)
        return len(new)
    finally:
        database.client.close()
