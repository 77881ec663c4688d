"""Devices in MongoDB: collection ``devices``, ``_id`` = device id, one organization per document.

Searches become one ``find`` with a keyset condition on (sort field, ``_id``); every value in the
filter comes from a validated ``DeviceSearch`` (strings, datetimes, enum values), never a raw user
document, so nothing a user sends can act as an operator.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection

from iotsphere.adapters.mongo_devices_errors import insert_all, mongo_errors
from iotsphere.adapters.mongo_id_reads import find_by_ids
from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.domain.devices.search import DeviceSearch

COLLECTION = "devices"
INDEXES: list[tuple[list[tuple[str, int]], dict[str, Any]]] = [
    ([("org_id", ASCENDING), ("name", ASCENDING)], {"unique": True}),
    ([("org_id", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)], {}),
    ([("org_id", ASCENDING), ("status_changed_at", ASCENDING), ("_id", ASCENDING)], {}),
    ([("org_id", ASCENDING), ("groups", ASCENDING)], {}),
    ([("org_id", ASCENDING), ("tags", ASCENDING)], {}),
    ([("org_id", ASCENDING), ("device_type", ASCENDING)], {}),
    ([("org_id", ASCENDING), ("serial", ASCENDING)], {}),
]


def to_document(device: Device) -> dict[str, Any]:
    document = device.model_dump(exclude={"id"})
    document["status"] = str(device.status)
    return {"_id": device.id, **document}


def from_document(document: dict[str, Any]) -> Device:
    return Device.model_validate({**document, "id": document["_id"]})


def search_filter(org_id: str, search: DeviceSearch) -> dict[str, Any]:
    where: dict[str, Any] = {"org_id": org_id}
    if search.device_ids:
        where["_id"] = {"$in": list(dict.fromkeys(search.device_ids))}
    if search.name_prefix is not None:
        where["name"] = {"$regex": "^" + re.escape(search.name_prefix)}
    if search.status is not None:
        where["status"] = {"$in": [str(s) for s in search.status]}
    elif not search.include_decommissioned:
        where["status"] = {"$ne": str(DeviceStatus.DECOMMISSIONED)}
    if search.tags:
        where["tags"] = {"$all": list(search.tags)}
    if search.groups:
        where["groups"] = {"$in": list(search.groups)}
    for field in ("device_type", "firmware_version", "serial"):
        if getattr(search, field) is not None:
            where[field] = getattr(search, field)
    for key, value in search.metadata.items():
        where[f"metadata.{key}"] = value
    for field in ("first_seen", "last_seen"):
        after, before = getattr(search, f"{field}_after"), getattr(search, f"{field}_before")
        window = {"$gte": after, "$lt": before}
        if after is not None or before is not None:
            where[field] = {op: at for op, at in window.items() if at is not None}
    return where


def after_filter(search: DeviceSearch, after: tuple[Any, str]) -> dict[str, Any]:
    value, device_id = after
    beyond = "$lt" if search.descending else "$gt"
    if search.sort == "id":
        return {"_id": {beyond: device_id}}
    return {
        "$or": [
            {search.sort: {beyond: value}},
            {search.sort: value, "_id": {beyond: device_id}},
        ]
    }


class MongoDeviceRepository:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def add(self, devices: Sequence[Device]) -> None:
        insert_all(self._collection, [to_document(d) for d in devices], "a device of that name")

    def get(self, org_id: str, device_id: str) -> Device | None:
        with mongo_errors("devices"):
            document = self._collection.find_one({"_id": device_id, "org_id": org_id})
        return None if document is None else from_document(document)

    def get_many(self, org_id: str, device_ids: Sequence[str]) -> list[Device]:
        if not device_ids:
            return []
        with mongo_errors("devices"):
            found = find_by_ids(self._collection, device_ids, {"org_id": org_id})
            return [from_document(d) for d in found]

    def locate(self, device_id: str) -> Device | None:
        with mongo_errors("devices"):
            document = self._collection.find_one({"_id": device_id})
        return None if document is None else from_document(document)

    def locate_many(self, device_ids: Sequence[str]) -> list[Device]:
        with mongo_errors("devices"):
            return [from_document(d) for d in find_by_ids(self._collection, device_ids)]

    def save(self, device: Device) -> Device | None:
        saved = device.model_copy(update={"revision": device.revision + 1})
        where = {"_id": device.id, "org_id": device.org_id, "revision": device.revision}
        with mongo_errors(f"a device named {device.name!r}"):
            done = self._collection.replace_one(where, to_document(saved))
        return saved if done.matched_count == 1 else None

    def search(
        self, org_id: str, search: DeviceSearch, after: tuple[Any, str] | None
    ) -> list[Device]:
        where = search_filter(org_id, search)
        if after is not None:
            where = {"$and": [where, after_filter(search, after)]}
        direction = DESCENDING if search.descending else ASCENDING
        field = "_id" if search.sort == "id" else search.sort
        order = [(field, direction)] + ([("_id", direction)] if field != "_id" else [])
        with mongo_errors("devices"):
            cursor = self._collection.find(where).sort(order).limit(search.limit)
            return [from_document(d) for d in cursor]

    def names_taken(self, org_id: str, names: Sequence[str]) -> set[str]:
        with mongo_errors("devices"):
            cursor = self._collection.find(
                {"org_id": org_id, "name": {"$in": list(names)}}, {"name": 1}
            )
            return {d["name"] for d in cursor}

    def count_by_status(self, org_id: str) -> dict[DeviceStatus, int]:
        pipeline: list[dict[str, Any]] = [
            {"$match": {"org_id": org_id}},
            {"$group": {"_id": "$status", "n": {"$sum": 1}}},
        ]
        with mongo_errors("devices"):
            rows = list(self._collection.aggregate(pipeline))
        return {DeviceStatus(row["_id"]): int(row["n"]) for row in rows}

    def count_never_seen(self, org_id: str) -> int:
        where = {
            "org_id": org_id,
            "status": {"$ne": str(DeviceStatus.DECOMMISSIONED)},
            "first_seen": None,
        }
        with mongo_errors("devices"):
            return self._collection.count_documents(where)

    def remove(self, org_id: str, device_ids: Sequence[str]) -> None:
        with mongo_errors("devices"):
            self._collection.delete_many({"org_id": org_id, "_id": {"$in": list(device_ids)}})
