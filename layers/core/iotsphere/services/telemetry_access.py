"""Which devices a telemetry read may cover: the caller's own, as the device registry says.

InfluxDB points carry only the device id, so every read resolves its devices through the registry
first. A device of another organization looks exactly like one that does not exist (404), and a
selection by group, tag or type only ever finds the caller's devices.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.devices.device import Device
from iotsphere.domain.devices.errors import InvalidCursorError
from iotsphere.domain.devices.fields import Label, Slug
from iotsphere.domain.devices.search import MAX_PAGE_SIZE, DeviceSearch
from iotsphere.services.devices.errors import NotFoundError
from iotsphere.services.errors import InvalidQueryError


class DeviceDirectory(Protocol):
    """The part of the device repository telemetry reads need."""

    def get(self, org_id: str, device_id: str) -> Device | None: ...

    def get_many(self, org_id: str, device_ids: Sequence[str]) -> list[Device]: ...

    def search(
        self, org_id: str, search: DeviceSearch, after: tuple[Any, str] | None
    ) -> list[Device]: ...


class DeviceSelection(BaseModel):
    """Devices by group (any of them), tags (all of them) and type; nothing given: every device.
    Decommissioned devices are left out, as in the registry's own searches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    groups: list[Label] = Field(default_factory=list, max_length=20)
    tags: list[Label] = Field(default_factory=list, max_length=20)
    device_type: Slug | None = None

    def search(self, limit: int = MAX_PAGE_SIZE) -> DeviceSearch:
        return DeviceSearch(
            groups=self.groups, tags=self.tags, device_type=self.device_type, sort="id", limit=limit
        )


def require_device(org_id: str, device_id: str, devices: DeviceDirectory) -> Device:
    device = devices.get(org_id, device_id)
    if device is None:
        raise NotFoundError(f"no device {device_id!r}")
    return device


def owned_device_ids(
    org_id: str, device_ids: Sequence[str], devices: DeviceDirectory
) -> tuple[list[str], list[str]]:
    """``(the caller's devices, ids that are none of theirs)``, each id once, in the given order,
    from one registry read."""
    wanted = list(dict.fromkeys(device_ids))
    theirs = {device.id for device in devices.get_many(org_id, wanted)}
    return [d for d in wanted if d in theirs], [d for d in wanted if d not in theirs]


def selected_device_ids(
    org_id: str, selection: DeviceSelection, devices: DeviceDirectory, at_most: int
) -> list[str]:
    """Every device the selection finds; ``InvalidQueryError`` when there are more than
    ``at_most``."""
    found = _all_ids(org_id, selection.search(), devices, at_most + 1)
    if len(found) > at_most:
        raise InvalidQueryError(
            f"the selection finds more than {at_most} devices; narrow it by group, tag or type"
        )
    return found


def selected_page(
    org_id: str,
    selection: DeviceSelection,
    cursor: str | None,
    page_size: int,
    devices: DeviceDirectory,
) -> tuple[list[str], str | None]:
    """One page of the selection's device ids, sorted by id, and the cursor of the next page."""
    search = selection.search(page_size + 1)
    try:
        after = search.read_cursor(cursor) if cursor else None
    except InvalidCursorError as exc:
        raise InvalidQueryError(f"query.cursor: {exc}") from exc
    found = devices.search(org_id, search, after)
    page = found[:page_size]
    more = len(found) > page_size
    return [d.id for d in page], search.cursor_after(page[-1]) if more else None


def every_device_id(org_id: str, devices: DeviceDirectory) -> list[str]:
    """Every device of the organization, decommissioned ones too: their records stay theirs."""
    search = DeviceSearch(include_decommissioned=True, sort="id", limit=MAX_PAGE_SIZE)
    return _all_ids(org_id, search, devices, None)


def _all_ids(
    org_id: str, search: DeviceSearch, devices: DeviceDirectory, at_most: int | None
) -> list[str]:
    ids: list[str] = []
    after: tuple[Any, str] | None = None
    while page := devices.search(org_id, search, after):
        ids.extend(d.id for d in page)
        if at_most is not None and len(ids) >= at_most:
            return ids[:at_most]
        if len(page) < search.limit:
            break
        after = search.sort_key(page[-1])
    return ids
