"""The simulated fleet's place in the device registry: ``iotsphere simulate --register-as
<e-mail>`` adds, once, a device type per simulated kind (``sim-pump`` …, with the metrics it
sends and their units; its firmware family is the type's id) in that user's organization. The
devices themselves are onboarded with their own identities by ``provisioning``; they are tagged
``simulated``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo.database import Database

from iotsphere.adapters.mongo_identity import COLLECTIONS as IDENTITY
from iotsphere.adapters.mongo_identity_users import MongoUserRepository
from iotsphere.domain.devices.device_type import DeviceType, MetricSpec
from iotsphere.services.devices.ports import DeviceTypeRepository
from iotsphere.simulator.device_types import DeviceType as SimulatedKind
from iotsphere.simulator.errors import SimulatorError
from iotsphere.simulator.fleet import SimulatedDevice

SIMULATED_TAG = "simulated"
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


def owner_org(database: Database[dict[str, Any]], email: str) -> str:
    """The organization of the user the fleet is registered for."""
    user = MongoUserRepository(database[IDENTITY["users"]]).find_by_email(email)
    if user is None:
        raise SimulatorError(f"no user {email}: start the stack first (iotsphere local up)")
    return user.org_id


def ensure_types(
    fleet: Sequence[SimulatedDevice], org_id: str, types: DeviceTypeRepository
) -> None:
    """A device type per simulated kind, added once; its firmware family is its id."""
    now = datetime.now(tz=UTC)
    for kind in {device.profile.device_type for device in fleet}:
        if types.get(org_id, type_id(kind)) is None:
            types.add(
                DeviceType(
                    id=type_id(kind),
                    org_id=org_id,
                    name=f"Simulated {kind.name}",
                    firmware_family=type_id(kind),
                    metrics=metrics_of(kind),
                    created_at=now,
                )
            )
