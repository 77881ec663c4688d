"""Every MongoDB index the device adapters need, with its options (uniqueness is part of the
contract: the services rely on the database to refuse a second name, key or serial)."""

from __future__ import annotations

from typing import Any

from pymongo.database import Database

from iotsphere.adapters import (
    mongo_devices,
    mongo_devices_commands,
    mongo_devices_shadows,
    mongo_devices_types,
)

Index = tuple[str, list[tuple[str, int]], dict[str, Any]]

DEVICE_INDEXES: list[Index] = [
    *((mongo_devices.COLLECTION, keys, opts) for keys, opts in mongo_devices.INDEXES),
    *((mongo_devices_types.COLLECTION, keys, opts) for keys, opts in mongo_devices_types.INDEXES),
    *((mongo_devices_shadows.COLLECTION, k, o) for k, o in mongo_devices_shadows.INDEXES),
    *((mongo_devices_shadows.REVISIONS, k, o) for k, o in mongo_devices_shadows.REVISION_INDEXES),
    *((mongo_devices_commands.COLLECTION, k, o) for k, o in mongo_devices_commands.INDEXES),
]


def ensure_device_indexes(database: Database[dict[str, Any]]) -> list[str]:
    """Create what is missing; running it again changes nothing. Returns the index names."""
    return [database[c].create_index(keys, **options) for c, keys, options in DEVICE_INDEXES]
