"""Deliveries in MongoDB: collection ``notification_deliveries``. The document id is the
delivery id (transition key + subscription), so claiming is an insert that only one notifier
wins; later claims and saves compare the ``claim`` token they hold."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from iotsphere.adapters.mongo_identity_documents import store_call, text
from iotsphere.domain.notifications.deliveries import Delivery, DeliveryStatus
from iotsphere.services.notifications.errors import ConflictError, NotFoundError

COLLECTION = "notification_deliveries"
TIMES = ("created_at", "next_at", "lease_until")
KEPT_S = 30 * 24 * 3600  # far past SQS's longest retention (14 days): a redelivery still dedupes
WAITING = [DeliveryStatus.HELD.value, DeliveryStatus.RETRYING.value]


def _document(delivery: Delivery) -> dict[str, Any]:
    document = delivery.model_dump(mode="json", exclude={"id"})
    for name in TIMES:  # real dates, so due and expired ones can be found by comparison
        document[name] = getattr(delivery, name)
    return {"_id": delivery.id, **document}


def _delivery(document: dict[str, Any]) -> Delivery:
    fields = {k: v for k, v in document.items() if k != "_id"}
    return Delivery.model_validate({"id": document["_id"], **fields})


class MongoDeliveryStore:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def ensure_indexes(self) -> None:
        self._collection.create_index([("status", ASCENDING), ("next_at", ASCENDING)])
        self._collection.create_index([("org_id", ASCENDING), ("created_at", DESCENDING)])
        self._collection.create_index(
            [("created_at", ASCENDING)], expireAfterSeconds=KEPT_S, name="expiry"
        )

    def claim_new(self, delivery: Delivery) -> bool:
        with store_call("delivery claim"):
            try:
                self._collection.insert_one(_document(delivery))
            except DuplicateKeyError:
                return False
        return True

    def claim_due(
        self, now: datetime, lease_until: datetime, claim: str, limit: int
    ) -> list[Delivery]:
        due = {
            "$or": [
                {"status": {"$in": WAITING}, "next_at": {"$lte": now}},
                {"status": DeliveryStatus.SENDING.value, "lease_until": {"$lte": now}},
            ]
        }
        take = {
            "$set": {
                "status": DeliveryStatus.SENDING.value,
                "claim": text(claim),
                "lease_until": lease_until,
            }
        }
        taken: list[Delivery] = []
        with store_call("delivery claim"):
            while len(taken) < limit:
                found = self._collection.find_one_and_update(
                    due,
                    take,
                    sort=[("created_at", ASCENDING)],
                    return_document=ReturnDocument.AFTER,
                )
                if found is None:
                    break
                taken.append(_delivery(found))
        return taken

    def finish(self, delivery: Delivery, claim: str) -> bool:
        with store_call("delivery write"):
            result = self._collection.replace_one(
                {"_id": text(delivery.id), "claim": text(claim)}, _document(delivery)
            )
        return result.matched_count == 1

    def redrive(self, org_id: str, delivery_id: str, now: datetime) -> Delivery:
        mine = {"_id": text(delivery_id), "org_id": text(org_id)}
        again = {"$set": {"status": DeliveryStatus.RETRYING.value, "next_at": now}}
        with store_call("delivery redrive"):
            found = self._collection.find_one_and_update(
                {**mine, "status": DeliveryStatus.DEAD.value},
                again,
                return_document=ReturnDocument.AFTER,
            )
            exists = found is not None or self._collection.find_one(mine, {"_id": 1}) is not None
        if found is None:
            if exists:
                raise ConflictError(f"delivery {delivery_id!r} is not dead")
            raise NotFoundError(f"no delivery {delivery_id!r}")
        return _delivery(found)

    def list_deliveries(
        self,
        org_id: str,
        subscription_id: str | None = None,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        where: dict[str, Any] = {"org_id": text(org_id)}
        if subscription_id is not None:
            where["subscription_id"] = text(subscription_id)
        if status is not None:
            where["status"] = text(DeliveryStatus(status).value)
        with store_call("delivery read"):
            cursor = self._collection.find(where).sort("created_at", DESCENDING).limit(limit)
            return [_delivery(document) for document in cursor]
