"""Configuration shadows in MongoDB: ``device_shadows`` (``_id`` = device id, one document with
both sides) and ``device_shadow_revisions`` (``_id`` = ``<device>:<side>:<version>``, so a
revision written twice is kept once). A side is saved only while its stored version is the one the
change was computed from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection

from iotsphere.adapters.mongo_devices_errors import insert_all, mongo_errors
from iotsphere.domain.devices.shadow import Shadow, ShadowRevision, Side

COLLECTION = "device_shadows"
REVISIONS = "device_shadow_revisions"
INDEXES: list[tuple[list[tuple[str, int]], dict[str, Any]]] = [
    ([("org_id", ASCENDING), ("_id", ASCENDING)], {}),
]
REVISION_INDEXES: list[tuple[list[tuple[str, int]], dict[str, Any]]] = [
    ([("org_id", ASCENDING), ("device_id", ASCENDING), ("at", DESCENDING)], {}),
]


class MongoShadowRepository:
    def __init__(
        self, shadows: Collection[dict[str, Any]], revisions: Collection[dict[str, Any]]
    ) -> None:
        self._shadows = shadows
        self._revisions = revisions

    def add(self, shadows: Sequence[Shadow]) -> None:
        documents = [{"_id": s.device_id, **s.model_dump(exclude={"device_id"})} for s in shadows]
        insert_all(self._shadows, documents, "a shadow of that device")

    def get(self, org_id: str, device_id: str) -> Shadow | None:
        with mongo_errors("shadows"):
            document = self._shadows.find_one({"_id": device_id, "org_id": org_id})
        if document is None:
            return None
        return Shadow.model_validate({**document, "device_id": document.pop("_id")})

    def save(self, shadow: Shadow, side: Side, expected_version: int) -> bool:
        where = {
            "_id": shadow.device_id,
            "org_id": shadow.org_id,
            f"{side}_version": expected_version,
        }
        fields = (side, f"{side}_version", f"{side}_at")
        change = {"$set": {f: getattr(shadow, f) for f in fields}}
        with mongo_errors("shadows"):
            return self._shadows.update_one(where, change).matched_count == 1

    def add_revision(self, revision: ShadowRevision) -> None:
        key = f"{revision.device_id}:{revision.side}:{revision.version}"
        with mongo_errors("shadow revisions"):
            self._revisions.update_one(
                {"_id": key}, {"$setOnInsert": revision.model_dump()}, upsert=True
            )

    def history(
        self, org_id: str, device_id: str, side: Side | None, limit: int
    ) -> list[ShadowRevision]:
        where: dict[str, Any] = {"org_id": org_id, "device_id": device_id}
        if side is not None:
            where["side"] = side
        order = [("at", DESCENDING), ("version", DESCENDING)]
        with mongo_errors("shadow revisions"):
            cursor = self._revisions.find(where, {"_id": 0}).sort(order).limit(limit)
            return [ShadowRevision.model_validate(d) for d in cursor]

    def remove(self, org_id: str, device_ids: Sequence[str]) -> None:
        ids = list(device_ids)
        with mongo_errors("shadows"):
            self._shadows.delete_many({"org_id": org_id, "_id": {"$in": ids}})
            self._revisions.delete_many({"org_id": org_id, "device_id": {"$in": ids}})
