"""Releases, rollouts and a rollout's devices a page at a time.

Releases and rollouts come newest first (ties by id), a page resuming after the id of the last
item seen, so items added meanwhile never shift a page; a rollout's devices come by device id.
Releases and rollouts are few per organization: a listing reaches the newest ``MAX_LISTED``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.devices.fields import DEVICE_ID_PATTERN, Slug
from iotsphere.domain.firmware.progress import DeviceProgress, ProgressState
from iotsphere.domain.firmware.release import Release
from iotsphere.domain.firmware.rollout import Rollout, RolloutState
from iotsphere.domain.identity.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page
from iotsphere.services.firmware.errors import InvalidCursorError
from iotsphere.services.firmware.ids import RELEASE_ID_PATTERN, ROLLOUT_ID_PATTERN
from iotsphere.services.firmware.ports import ReleaseStore, RolloutStore
from iotsphere.services.firmware.queries import rollout_devices

MAX_LISTED = 10_000

PageSize = Annotated[
    int, Field(ge=1, le=MAX_PAGE_SIZE, description=f"items per page, at most {MAX_PAGE_SIZE}")
]


class ReleaseQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    firmware_family: Slug | None = None
    cursor: str | None = Field(
        default=None, pattern=RELEASE_ID_PATTERN, description="next_cursor of a page"
    )
    limit: PageSize = DEFAULT_PAGE_SIZE


class RolloutQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    state: RolloutState | None = None
    release_id: str | None = Field(
        default=None, pattern=RELEASE_ID_PATTERN, description="only rollouts of this release"
    )
    cursor: str | None = Field(
        default=None, pattern=ROLLOUT_ID_PATTERN, description="next_cursor of a page"
    )
    limit: PageSize = DEFAULT_PAGE_SIZE


class RolloutDeviceQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    state: ProgressState | None = None
    cursor: str | None = Field(
        default=None, pattern=DEVICE_ID_PATTERN, description="next_cursor of a page"
    )
    limit: PageSize = DEFAULT_PAGE_SIZE


def _page[T](
    items: Sequence[T], id_of: Callable[[T], str], cursor: str | None, limit: int
) -> Page[T]:
    start = 0
    if cursor is not None:
        ids = [id_of(item) for item in items]
        if cursor not in ids:
            raise InvalidCursorError(f"cursor {cursor} is not in this listing")
        start = ids.index(cursor) + 1
    chosen = list(items[start : start + limit])
    more = start + limit < len(items)
    return Page(items=chosen, next_cursor=id_of(chosen[-1]) if more and chosen else None)


def list_releases(org_id: str, query: ReleaseQuery, store: ReleaseStore) -> Page[Release]:
    found = store.find(org_id, query.firmware_family, limit=MAX_LISTED)
    ordered = sorted(found, key=lambda r: (r.created_at, r.release_id), reverse=True)
    return _page(ordered, lambda r: r.release_id, query.cursor, query.limit)


def list_rollouts(org_id: str, query: RolloutQuery, store: RolloutStore) -> Page[Rollout]:
    found = store.find(org_id, query.state, query.release_id, limit=MAX_LISTED)
    ordered = sorted(found, key=lambda r: (r.created_at, r.rollout_id), reverse=True)
    return _page(ordered, lambda r: r.rollout_id, query.cursor, query.limit)


def list_rollout_devices(
    org_id: str, rollout_id: str, query: RolloutDeviceQuery, store: RolloutStore
) -> Page[DeviceProgress]:
    """Which devices are where (``failed`` ones with their refusal code); 404 for a rollout of
    another organization."""
    page = rollout_devices(org_id, rollout_id, store, query.state, query.cursor, query.limit)
    return Page(items=page.devices, next_cursor=page.next_after)
