"""How identity records become MongoDB documents and back: the record's id is ``_id``; every
other field is stored as the model dumps it. Driver failures become ``StoreUnavailableError``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel
from pymongo.errors import PyMongoError

from iotsphere.services.errors import StoreUnavailableError

Document = dict[str, Any]


def to_document(record: BaseModel, *, exclude: frozenset[str] = frozenset()) -> Document:
    fields = record.model_dump(exclude={"id", *exclude})
    return {"_id": getattr(record, "id"), **fields}  # noqa: B009 (every record has an id)


def from_document[M: BaseModel](model: type[M], document: Mapping[str, Any] | None) -> M | None:
    if document is None:
        return None
    fields = {key: value for key, value in document.items() if key != "_id"}
    return model.model_validate({"id": document["_id"], **fields})


def text(value: str) -> str:
    """A value for a filter: only ever a plain string, never an operator document."""
    if type(value) is not str:
        raise TypeError(f"a filter value must be a string, not {type(value).__name__}")
    return value


@contextmanager
def store_call(what: str) -> Iterator[None]:
    try:
        yield
    except PyMongoError as exc:
        raise StoreUnavailableError(f"MongoDB {what} failed: {exc}") from exc
