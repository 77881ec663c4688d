"""One page of a listing: a store is asked for one more item than the page holds, to know
whether another page follows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from iotsphere.domain.identity.paging import Page


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


def page_of[T: _Identified, V](found: Sequence[T], limit: int, view: Callable[[T], V]) -> Page[V]:
    items = list(found[:limit])
    next_cursor = items[-1].id if len(found) > limit else None
    return Page[V](items=[view(item) for item in items], next_cursor=next_cursor)
