"""How the device adapters turn MongoDB errors into service errors, and insert all or nothing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError, PyMongoError

from iotsphere.services.devices.errors import AlreadyExistsError
from iotsphere.services.errors import StoreUnavailableError

DUPLICATE_KEY = 11000


@contextmanager
def mongo_errors(what: str) -> Iterator[None]:
    """``DuplicateKeyError`` -> ``AlreadyExistsError(what)``; any other -> unavailable."""
    try:
        yield
    except DuplicateKeyError as exc:
        raise AlreadyExistsError(what) from exc
    except BulkWriteError as exc:
        if any(e.get("code") == DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
            raise AlreadyExistsError(what) from exc
        raise StoreUnavailableError(f"MongoDB {what}: {exc}") from exc
    except PyMongoError as exc:
        raise StoreUnavailableError(f"MongoDB {what}: {exc}") from exc


def insert_all(
    collection: Collection[dict[str, Any]], documents: Sequence[dict[str, Any]], what: str
) -> None:
    """Insert every document or none: on a taken key the ones already in are deleted again and
    ``AlreadyExistsError(what)`` is raised."""
    if not documents:
        return
    try:
        with mongo_errors(what):
            collection.insert_many(list(documents), ordered=True)
    except AlreadyExistsError as exc:
        cause = exc.__cause__
        done = int(cause.details.get("nInserted", 0)) if isinstance(cause, BulkWriteError) else 0
        if done:
            with mongo_errors(what):
                collection.delete_many({"_id": {"$in": [d["_id"] for d in documents[:done]]}})
        raise
