"""Silences and maintenance windows in MongoDB: collection ``alert_silences``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from iotsphere.domain.alerting.silences import Silence
from iotsphere.services.alerting.errors import NotFoundError
from iotsphere.services.errors import StoreUnavailableError

COLLECTION = "alert_silences"


class MongoSilenceStore:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def ensure_indexes(self) -> None:
        self._collection.create_index([("org_id", ASCENDING), ("ends_at", ASCENDING)])

    def save(self, silence: Silence) -> None:
        document = {"_id": f"{silence.org_id}/{silence.id}", **silence.model_dump()}
        try:
            self._collection.replace_one({"_id": document["_id"]}, document, upsert=True)
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB silence write failed: {exc}") from exc

    def delete(self, org_id: str, silence_id: str) -> None:
        try:
            result = self._collection.delete_one(
                {"_id": f"{org_id}/{silence_id}", "org_id": org_id}
            )
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB silence delete failed: {exc}") from exc
        if result.deleted_count == 0:
            raise NotFoundError(f"no silence {silence_id!r}")

    def overlapping(self, org_id: str, start: datetime, end: datetime) -> list[Silence]:
        where = {"org_id": org_id, "starts_at": {"$lte": end}, "ends_at": {"$gte": start}}
        try:
            cursor = self._collection.find(where).sort("starts_at", ASCENDING)
            return [
                Silence.model_validate({k: v for k, v in d.items() if k != "_id"}) for d in cursor
            ]
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB silence read failed: {exc}") from exc
