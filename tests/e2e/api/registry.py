"""Pumps put straight into the device registry of the e2e stack, for API tests that need
registered devices but not their onboarding."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pymongo.database import Database

from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.domain.devices.device import Device


def register_pumps(
    database: Database[dict[str, Any]],
    devices: Iterable[tuple[str, str]],
    at: datetime,
    groups: Sequence[str] = (),
) -> None:
    """``(device id, organization id)`` pairs, each a pump named by its id, in ``groups``."""
    MongoDeviceRepository(database[DEVICES]).add(
        [
            Device(
                id=device_id,
                org_id=org_id,
                name=device_id,
                device_type="pump",
                groups=list(groups),
                status_changed_at=at,
                created_at=at,
            )
            for device_id, org_id in devices
        ]
    )
