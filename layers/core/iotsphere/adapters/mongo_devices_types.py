"""Device types in MongoDB: collection ``device_types``, ``_id`` = ``<org id>:<type id>``."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.collection import Collection

from iotsphere.adapters.mongo_devices_errors import mongo_errors
from iotsphere.domain.devices.device_type import DeviceType

COLLECTION = "device_types"
INDEXES: list[tuple[list[tuple[str, int]], dict[str, Any]]] = [
    ([("org_id", ASCENDING), ("id", ASCENDING)], {}),
]


def _key(org_id: str, type_id: str) -> str:
    return f"{org_id}:{type_id}"  # org ids hold no ':'


class MongoDeviceTypeRepository:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def add(self, device_type: DeviceType) -> None:
        document = device_type.model_dump(by_alias=True, exclude_none=True)
        with mongo_errors(f"device type {device_type.id!r}"):
            self._collection.insert_one(
                {"_id": _key(device_type.org_id, device_type.id), **document}
            )

    def replace(self, device_type: DeviceType) -> bool:
        key = _key(device_type.org_id, device_type.id)
        document = device_type.model_dump(by_alias=True, exclude_none=True)
        with mongo_errors("device types"):
            done = self._collection.replace_one(
                {"_id": key, "org_id": device_type.org_id}, {"_id": key, **document}
            )
        return done.matched_count == 1

    def get(self, org_id: str, type_id: str) -> DeviceType | None:
        with mongo_errors("device types"):
            document = self._collection.find_one({"_id": _key(org_id, type_id), "org_id": org_id})
        return None if document is None else _from_document(document)

    def list(self, org_id: str) -> list[DeviceType]:
        with mongo_errors("device types"):
            cursor = self._collection.find({"org_id": org_id}).sort("id", ASCENDING)
            return [_from_document(d) for d in cursor]


def _from_document(document: dict[str, Any]) -> DeviceType:
    document.pop("_id", None)
    return DeviceType.model_validate(document)
