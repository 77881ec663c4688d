"""Cursor pagination: a cursor is the id of the last item seen; ids sort by creation time."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.identity.fields import RecordId

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


class PageRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    cursor: RecordId | None = None
    limit: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE


class Page[T](BaseModel):
    model_config = ConfigDict(frozen=True)

    version: Literal[1] = 1
    items: list[T]
    next_cursor: str | None = None
