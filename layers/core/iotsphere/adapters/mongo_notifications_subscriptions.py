"""Subscriptions in MongoDB: collection ``notification_subscriptions``, one document per
subscription of an organization. The webhook secret is stored as it is: it must sign."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.collection import Collection

from iotsphere.adapters.mongo_identity_documents import store_call, text
from iotsphere.domain.notifications.subscriptions import Subscription
from iotsphere.services.notifications.errors import NotFoundError

COLLECTION = "notification_subscriptions"


def _doc_id(org_id: str, subscription_id: str) -> str:
    return f"{text(org_id)}/{text(subscription_id)}"


def _document(subscription: Subscription) -> dict[str, Any]:
    document = subscription.model_dump(mode="json")
    document["created_at"] = subscription.created_at
    document["updated_at"] = subscription.updated_at
    return {"_id": _doc_id(subscription.org_id, subscription.id), **document}


def _subscription(document: dict[str, Any]) -> Subscription:
    return Subscription.model_validate({k: v for k, v in document.items() if k != "_id"})


class MongoSubscriptionStore:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def ensure_indexes(self) -> None:
        self._collection.create_index([("org_id", ASCENDING), ("created_at", ASCENDING)])

    def save(self, subscription: Subscription) -> None:
        document = _document(subscription)
        with store_call("subscription write"):
            self._collection.replace_one({"_id": document["_id"]}, document, upsert=True)

    def get(self, org_id: str, subscription_id: str) -> Subscription:
        with store_call("subscription read"):
            found = self._collection.find_one(
                {"_id": _doc_id(org_id, subscription_id), "org_id": text(org_id)}
            )
        if found is None:
            raise NotFoundError(f"no subscription {subscription_id!r}")
        return _subscription(found)

    def list_subscriptions(
        self, org_id: str, subscriber_id: str | None = None, limit: int = 500
    ) -> list[Subscription]:
        where: dict[str, Any] = {"org_id": text(org_id)}
        if subscriber_id is not None:
            where["subscriber.id"] = text(subscriber_id)
        with store_call("subscription read"):
            cursor = self._collection.find(where).sort("created_at", ASCENDING).limit(limit)
            return [_subscription(document) for document in cursor]

    def delete(self, org_id: str, subscription_id: str) -> None:
        with store_call("subscription delete"):
            result = self._collection.delete_one(
                {"_id": _doc_id(org_id, subscription_id), "org_id": text(org_id)}
            )
        if result.deleted_count == 0:
            raise NotFoundError(f"no subscription {subscription_id!r}")
