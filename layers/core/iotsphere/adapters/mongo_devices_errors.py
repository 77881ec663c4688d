"""How the device adapters turn MongoDB errors into service errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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


def inserted_count(exc: BaseException) -> int:
    """How many documents of an ordered ``insert_many`` went in before it failed."""
    cause = exc.__cause__
    if isinstance(cause, BulkWriteError):
        return int(cause.details.get("nInserted", 0))
    return 0
