"""The in-app feed in MongoDB: collection ``notification_inbox``, one document per item."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import DESCENDING, UpdateOne
from pymongo.collection import Collection

from iotsphere.adapters.mongo_identity_documents import store_call, text
from iotsphere.domain.notifications.inbox import InboxItem
from iotsphere.services.notifications.errors import NotFoundError

COLLECTION = "notification_inbox"
KEPT_S = 90 * 24 * 3600


def _document(item: InboxItem) -> dict[str, Any]:
    document = item.model_dump(mode="json", exclude={"id"})
    document["created_at"] = item.created_at
    document["read_at"] = item.read_at
    return document


def _item(document: dict[str, Any]) -> InboxItem:
    fields = {k: v for k, v in document.items() if k != "_id"}
    return InboxItem.model_validate({"id": document["_id"], **fields})


class MongoInboxStore:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def ensure_indexes(self) -> None:
        self._collection.create_index([("org_id", 1), ("user_id", 1), ("created_at", DESCENDING)])

    def add(self, items: Sequence[InboxItem]) -> None:
        if not items:
            return
        operations = [
            UpdateOne({"_id": item.id}, {"$setOnInsert": _document(item)}, upsert=True)
            for item in items
        ]
        with store_call("inbox write"):
            self._collection.bulk_write(operations, ordered=False)

    def list_items(
        self, org_id: str, user_id: str, unread_only: bool = False, limit: int = 50
    ) -> list[InboxItem]:
        where: dict[str, Any] = {"org_id": text(org_id), "user_id": text(user_id)}
        if unread_only:
            where["read_at"] = None
        with store_call("inbox read"):
            cursor = self._collection.find(where).sort("created_at", DESCENDING).limit(limit)
            return [_item(document) for document in cursor]

    def count_unread(self, org_id: str, user_id: str) -> int:
        where = {"org_id": text(org_id), "user_id": text(user_id), "read_at": None}
        with store_call("inbox read"):
            return self._collection.count_documents(where)

    def mark_read(self, org_id: str, user_id: str, item_id: str, at: datetime) -> InboxItem:
        mine = {"_id": text(item_id), "org_id": text(org_id), "user_id": text(user_id)}
        with store_call("inbox write"):
            self._collection.update_one({**mine, "read_at": None}, {"$set": {"read_at": at}})
            found = self._collection.find_one(mine)
        if found is None:
            raise NotFoundError(f"no inbox item {item_id!r}")
        return _item(found)
