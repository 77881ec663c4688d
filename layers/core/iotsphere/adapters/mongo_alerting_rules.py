"""Alert rules in MongoDB: collection ``alert_rules``, one document per rule of an organization.

A document carries, beside the rule, ``metrics``: every metric the rule reads (its own and those
a composite's parts name), so the rule list filters by metric in one indexed query. Rules stored
before that field existed gain it in ``ensure_indexes``.
"""

from __future__ import annotations

from collections.abc import Collection as Ids
from typing import Any

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from iotsphere.adapters.mongo_id_reads import find_by_ids
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
        self._collection.create_index([("org_id", ASCENDING), ("metrics", ASCENDING)])
        self._add_missing_metrics()

    def _add_missing_metrics(self) -> None:
        """Gives each rule stored without ``metrics`` the metrics it reads; a rule saved meanwhile
        keeps what its save wrote."""
        missing = {"metrics": {"$exists": False}}
        try:
            for document in list(self._collection.find(missing)):  # read all, then write
                metrics = _rule_of(document).metrics
                self._collection.update_one(
                    {"_id": document["_id"], **missing}, {"$set": {"metrics": metrics}}
                )
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB rule backfill failed: {exc}") from exc

    def save(self, rule: Rule) -> None:
        document = {
            "_id": _doc_id(rule.org_id, rule.id),
            **rule.model_dump(mode="json"),
            "metrics": rule.metrics,
        }
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

    def known_rule_ids(self, org_id: str, rule_ids: Ids[str]) -> set[str]:
        ids = [_doc_id(org_id, rule_id) for rule_id in rule_ids]
        try:
            found = find_by_ids(self._collection, ids, {"org_id": org_id})
            return {document["id"] for document in found}
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB rule read failed: {exc}") from exc

    def orgs_with_enabled_rules(self) -> list[str]:
        try:
            return sorted(self._collection.distinct("org_id", {"enabled": True}))
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB rule read failed: {exc}") from exc

    def _find(self, where: dict[str, Any], limit: int = 1) -> list[Rule]:
        try:
            cursor = self._collection.find(where).sort("_id", ASCENDING).limit(limit)
            return [_rule_of(doc) for doc in cursor]
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB rule read failed: {exc}") from exc


def _rule_of(document: dict[str, Any]) -> Rule:
    return Rule.model_validate({k: v for k, v in document.items() if k not in _NOT_RULE})


_NOT_RULE = frozenset({"_id", "metrics"})
