"""The device ports over one MongoDB database, for ``bootstrap`` to build once per process."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from pymongo.database import Database

from iotsphere.adapters import (
    mongo_devices,
    mongo_devices_claims,
    mongo_devices_commands,
    mongo_devices_shadows,
    mongo_devices_types,
)
from iotsphere.domain.devices.messages import BrokerEndpoint
from iotsphere.services.devices.ports import BrokerIdentities, DeviceChannel, DevicePorts


def utc_now_ms() -> datetime:
    """Now, to the millisecond: what MongoDB keeps of a datetime, so nothing changes on a read."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond - now.microsecond % 1000)


def new_record_id() -> str:
    """20 random lowercase hex digits (80 bits)."""
    return secrets.token_hex(10)


def build_device_ports(
    database: Database[dict[str, Any]],
    *,
    broker: BrokerIdentities,
    channel: DeviceChannel,
    endpoint: BrokerEndpoint,
    firmware_public_key: str | None = None,
) -> DevicePorts:
    return DevicePorts(
        devices=mongo_devices.MongoDeviceRepository(database[mongo_devices.COLLECTION]),
        types=mongo_devices_types.MongoDeviceTypeRepository(
            database[mongo_devices_types.COLLECTION]
        ),
        shadows=mongo_devices_shadows.MongoShadowRepository(
            database[mongo_devices_shadows.COLLECTION], database[mongo_devices_shadows.REVISIONS]
        ),
        commands=mongo_devices_commands.MongoCommandRepository(
            database[mongo_devices_commands.COLLECTION]
        ),
        claims=mongo_devices_claims.MongoClaimRepository(database[mongo_devices_claims.COLLECTION]),
        broker=broker,
        channel=channel,
        clock=utc_now_ms,
        new_id=new_record_id,
        endpoint=endpoint,
        firmware_public_key=firmware_public_key,
    )
