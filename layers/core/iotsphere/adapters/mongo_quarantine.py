"""The quarantine in MongoDB: collection ``quarantine``, one document per refused message."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import DESCENDING, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from iotsphere.domain.quarantine import QuarantinedMessage
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.quarantine_query import QuarantineSearch

COLLECTION = "quarantine"
Messages = list[QuarantinedMessage]  # ``list`` in the class body is the method below


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

    def find(
        self,
        device_ids: Sequence[str],
        search: QuarantineSearch,
        after: tuple[datetime, str] | None,
    ) -> Messages:
        """Every value in the filter comes from a validated search: none can act as an operator."""
        where: dict[str, Any] = {"device_id": {"$in": list(device_ids)}}
        received = {"$gte": search.since, "$lt": search.until}
        if search.since is not None or search.until is not None:
            where["received_at"] = {op: at for op, at in received.items() if at is not None}
        if search.reason_contains is not None:
            where["reason"] = {"$regex": re.escape(search.reason_contains), "$options": "i"}
        if after is not None:
            at, message_id = after
            beyond = {
                "$or": [
                    {"received_at": {"$lt": at}},
                    {"received_at": at, "_id": {"$lt": message_id}},
                ]
            }
            where = {"$and": [where, beyond]}
        order = [("received_at", DESCENDING), ("_id", DESCENDING)]
        try:
            cursor = self._collection.find(where).sort(order).limit(search.limit)
            return [QuarantinedMessage(id=doc.pop("_id"), **doc) for doc in cursor]
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB quarantine read failed: {exc}") from exc

    def get(self, message_id: str) -> QuarantinedMessage | None:
        try:
            doc = self._collection.find_one({"_id": message_id})
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB quarantine read failed: {exc}") from exc
        return None if doc is None else QuarantinedMessage(id=doc.pop("_id"), **doc)
