"""The audit log in MongoDB: collection ``audit_log``, newest first by id (ids sort by time)."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection

from iotsphere.adapters.mongo_identity_documents import Document, store_call, text, to_document
from iotsphere.domain.identity.audit import AuditEntry, AuditFilter

EQUALITY_FILTERS = ("actor_id", "action", "target_type", "target_id")


class MongoAuditLog:
    def __init__(self, collection: Collection[Document]) -> None:
        self._entries = collection

    def ensure_indexes(self) -> None:
        with store_call("audit index"):
            self._entries.create_index([("org_id", ASCENDING), ("_id", DESCENDING)], name="org")
            self._entries.create_index(
                [("org_id", ASCENDING), ("action", ASCENDING), ("_id", DESCENDING)],
                name="org_action",
            )

    def append(self, entry: AuditEntry) -> None:
        with store_call("audit insert"):
            self._entries.insert_one(to_document(entry))

    def list(
        self, org_id: str, filters: AuditFilter, before: str | None, limit: int
    ) -> Sequence[AuditEntry]:
        where = audit_filter(org_id, filters, before)
        with store_call("audit list"):
            cursor = self._entries.find(where).sort("_id", DESCENDING).limit(limit)
            return [AuditEntry.model_validate({"id": d.pop("_id"), **d}) for d in cursor]


def audit_filter(org_id: str, filters: AuditFilter, before: str | None) -> Document:
    """The query of one organization's entries: every filter is a value compared for equality
    (``text`` refuses anything but a string), never a key, so no filter reaches another field."""
    where: Document = {"org_id": text(org_id)}
    for name in EQUALITY_FILTERS:
        value = getattr(filters, name)
        if value is not None:
            where[name] = text(value)
    at: Document = {}
    if filters.since is not None:
        at["$gte"] = filters.since
    if filters.until is not None:
        at["$lt"] = filters.until
    if at:
        where["at"] = at
    if before is not None:
        where["_id"] = {"$lt": text(before)}
    return where
