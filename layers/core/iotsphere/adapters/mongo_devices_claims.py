"""The claim allowlist in MongoDB: collection ``device_claims``, ``_id`` = serial (serials are
unique across organizations: a factory-flashed device knows its serial, not its owner)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo.collection import Collection

from iotsphere.adapters.mongo_devices_errors import insert_all, mongo_errors
from iotsphere.services.devices.ports import AllowedSerial

COLLECTION = "device_claims"


class MongoClaimRepository:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def allow(self, entries: Sequence[AllowedSerial]) -> None:
        documents = [{"_id": e.serial, **e.model_dump(exclude={"serial"})} for e in entries]
        insert_all(self._collection, documents, "a serial on an allowlist")

    def get(self, serial: str) -> AllowedSerial | None:
        with mongo_errors("claims"):
            document = self._collection.find_one({"_id": serial})
        if document is None:
            return None
        return AllowedSerial.model_validate({**document, "serial": document.pop("_id")})

    def claim(self, serial: str, device_id: str, claim_key: str, at: datetime) -> bool:
        change = {"$set": {"device_id": device_id, "claim_key": claim_key, "claimed_at": at}}
        with mongo_errors("claims"):
            done = self._collection.update_one({"_id": serial, "device_id": None}, change)
        return done.matched_count == 1

    def release(self, serial: str, device_id: str) -> None:
        change = {"$set": {"device_id": None, "claim_key": None, "claimed_at": None}}
        with mongo_errors("claims"):
            self._collection.update_one({"_id": serial, "device_id": device_id}, change)
