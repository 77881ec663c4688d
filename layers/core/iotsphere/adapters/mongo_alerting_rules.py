"""Alert rules in MongoDB: collection ``alert_rules``, one document per rule of an organization."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from iotsphere.domain.alerting.rules import Rule
from iotsphere.services.alerting.errors import NotFoundError
from iotsphere.services.errors import StoreUnavailableError

COLLECTION = "alert_rules"


def _doc_id(org_id: str, rule_id: str) -> str:
    return f"{org_id}/{rule_id}"


class MongoRuleStore:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def ensure_indexes(self) -> None:
        self._collection.create_index([("org_id", ASCENDING), ("enabled", ASCENDING)])

    def save(self, rule: Rule) -> None:
        document = {"_id": _doc_id(rule.org_id, rule.id), **rule.model_dump(mode="json")}
        try:
            self._collection.replace_one({"_id": document["_id"]}, document, upsert=True)
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB rule write failed: {exc}") from exc

    def get(self, org_id: str, rule_id: str) -> Rule:
        found = self._find({"_id": _doc_id(org_id, rule_id), "org_id": org_id})
        if not found:
            raise NotFoundError(f"no rule {rule_id!r}")
        return found[0]

    def list_rules(self, org_id: str, limit: int = 500) -> list[Rule]:
        return self._find({"org_id": org_id}, limit)

    def delete(self, org_id: str, rule_id: str) -> None:
        try:
            result = self._collection.delete_one(
                {"_id": _doc_id(org_id, rule_id), "org_id": org_id}
            )
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB rule delete failed: {exc}") from exc
        if result.deleted_count == 0:
            raise NotFoundError(f"no rule {rule_id!r}")

    def enabled_rules(self, org_id: str) -> list[Rule]:
        return self._find({"org_id": org_id, "enabled": True}, limit=0)

    def orgs_with_enabled_rules(self) -> list[str]:
        try:
            return sorted(self._collection.distinct("org_id", {"enabled": True}))
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB rule read failed: {exc}") from exc

    def _find(self, where: dict[str, Any], limit: int = 1) -> list[Rule]:
        try:
            cursor = self._collection.find(where).sort("_id", ASCENDING).limit(limit)
            return [
                Rule.model_validate({k: v for k, v in doc.items() if k != "_id"}) for doc in cursor
            ]
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB rule read failed: {exc}") from exc
