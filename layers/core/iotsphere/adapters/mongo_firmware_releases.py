"""Firmware releases in MongoDB: collection ``firmware_releases``, one document per release.

``_id`` is the release id; every read is scoped by ``org_id``. A unique index on
(org_id, firmware_family, version) makes a second, different release of one version a conflict even
when two signers race.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, PyMongoError

from iotsphere.domain.firmware.release import Release
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.firmware.errors import ReleaseConflictError, ReleaseNotFoundError

COLLECTION = "firmware_releases"
INDEXES: list[tuple[str, list[tuple[str, int]], bool]] = [
    (
        COLLECTION,
        [("org_id", ASCENDING), ("firmware_family", ASCENDING), ("version", ASCENDING)],
        True,
    ),
    (COLLECTION, [("org_id", ASCENDING), ("created_at", DESCENDING)], False),
]


def _document(release: Release) -> dict[str, Any]:
    document = release.model_dump(mode="python", exclude={"release_id"})
    document["_id"] = release.release_id
    return document


def _release(document: dict[str, Any]) -> Release:
    return Release.model_validate({**document, "release_id": document.pop("_id")})


class MongoReleaseStore:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def add(self, release: Release) -> Release:
        try:
            found = self._collection.find_one({"_id": release.release_id})
            if found is None:
                clash = self._collection.find_one(
                    {
                        "org_id": release.org_id,
                        "firmware_family": release.firmware_family,
                        "version": release.version,
                    },
                    {"_id": 1},
                )
                if clash is not None:
                    raise self._conflict(release)
                try:
                    self._collection.insert_one(_document(release))
                    return release
                except DuplicateKeyError:
                    found = self._collection.find_one({"_id": release.release_id})
                    if found is None:
                        raise self._conflict(release) from None
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB firmware release write failed: {exc}") from exc
        return _release(found)

    @staticmethod
    def _conflict(release: Release) -> ReleaseConflictError:
        return ReleaseConflictError(
            f"{release.firmware_family} {release.version} is released already with another image"
        )

    def get(self, org_id: str, release_id: str) -> Release:
        try:
            found = self._collection.find_one({"_id": release_id, "org_id": org_id})
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB firmware release read failed: {exc}") from exc
        if found is None:
            raise ReleaseNotFoundError(f"no release {release_id}")
        return _release(found)

    def find(
        self, org_id: str, firmware_family: str | None = None, limit: int = 100
    ) -> list[Release]:
        where: dict[str, Any] = {"org_id": org_id}
        if firmware_family is not None:
            where["firmware_family"] = firmware_family
        try:
            cursor = self._collection.find(where).sort("created_at", DESCENDING).limit(limit)
            return [_release(document) for document in cursor]
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB firmware release read failed: {exc}") from exc
