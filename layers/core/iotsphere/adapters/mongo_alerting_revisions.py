"""Saving documents that carry a ``revision``: a save names the revision it read and raises it by
one, so two writers never both win. Revision 0 means "never saved": the save inserts.

A save replaces the whole document: the MongoDB-wire server spends several times less on a
replacement than on a ``$set`` of the same fields (for which it diffs, validates and deep-copies
every path)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import ReplaceOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, PyMongoError

from iotsphere.services.alerting.errors import ConcurrentUpdateError
from iotsphere.services.errors import StoreUnavailableError

DUPLICATE_KEY = 11000


def save_revisions(
    collection: Collection[dict[str, Any]], documents: Sequence[tuple[str, int, dict[str, Any]]]
) -> None:
    """Save ``(id, revision read, every field but the id and revision)`` each as revision + 1;
    raise ``ConcurrentUpdateError`` when any was saved by someone else in between (the others
    are saved)."""
    if not documents:
        return
    operations = [
        ReplaceOne(
            {"_id": doc_id, "revision": revision},
            {**fields, "revision": revision + 1},
            upsert=revision == 0,
        )
        for doc_id, revision, fields in documents
    ]
    try:
        result = collection.bulk_write(operations, ordered=False)
    except BulkWriteError as exc:
        codes = {error.get("code") for error in exc.details.get("writeErrors", [])}
        if codes == {DUPLICATE_KEY}:
            raise ConcurrentUpdateError(f"{collection.name}: saved by someone else") from exc
        raise StoreUnavailableError(f"MongoDB {collection.name} write failed: {exc}") from exc
    except PyMongoError as exc:
        raise StoreUnavailableError(f"MongoDB {collection.name} write failed: {exc}") from exc
    if result.matched_count + result.upserted_count < len(operations):
        raise ConcurrentUpdateError(f"{collection.name}: saved by someone else")
