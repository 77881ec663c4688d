"""The quarantine in MongoDB: collection ``quarantine``, one document per refused message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import DESCENDING, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from iotsphere.domain.quarantine import QuarantinedMessage
from iotsphere.services.errors import StoreUnavailableError

COLLECTION = "quarantine"


class MongoQuarantineStore:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def put(self, messages: Sequence[QuarantinedMessage]) -> None:
        if not messages:
            return
        operations = [
            UpdateOne(
                {"_id": message.id},
                {"$setOnInsert": message.model_dump(exclude={"id"})},
                upsert=True,
            )
            for message in messages
        ]
        try:
            self._collection.bulk_write(operations, ordered=False)
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB quarantine write failed: {exc}") from exc

    def list(self, device_id: str | None = None, limit: int = 100) -> list[QuarantinedMessage]:
        where = {} if device_id is None else {"device_id": device_id}
        try:
            cursor = self._collection.find(where).sort("received_at", DESCENDING).limit(limit)
            return [QuarantinedMessage(id=doc.pop("_id"), **doc) for doc in cursor]
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB quarantine read failed: {exc}") from exc
