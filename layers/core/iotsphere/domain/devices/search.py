"""A device search: filters, one sort key, and keyset pagination with an opaque cursor.

The cursor holds the sort value and id of the last device of a page and a fingerprint of the
search, so it resumes exactly after that device even when devices are added meanwhile, and a cursor
of one search is refused by another. Repositories translate ``DeviceSearch`` to their own query;
``matches`` and ``sort_key`` are the reference meaning (and what in-memory fakes use).
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.domain.devices.errors import InvalidCursorError
from iotsphere.domain.devices.fields import DeviceId, Label, Metadata, Slug
from iotsphere.domain.timestamps import require_utc_time

MAX_PAGE_SIZE = 200
MAX_DEVICE_IDS = 200  # a page's worth: a screen names the devices it shows in one request
DEFAULT_PAGE_SIZE = 50
SortField = Literal["name", "created_at", "status_changed_at", "id"]


class DeviceSearch(BaseModel):
    """All filters must hold. ``tags``: the device has every one; ``groups``: at least one;
    ``device_ids``: the device is one of them (empty: any device)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    device_ids: list[DeviceId] = Field(default_factory=list, max_length=MAX_DEVICE_IDS)
    name_prefix: str | None = Field(default=None, min_length=1, max_length=100)
    device_type: Slug | None = None
    status: list[DeviceStatus] | None = Field(default=None, min_length=1)
    tags: list[Label] = Field(default_factory=list, max_length=20)
    groups: list[Label] = Field(default_factory=list, max_length=20)
    firmware_version: str | None = Field(default=None, max_length=64)
    metadata: Metadata = Field(default_factory=dict)
    serial: str | None = Field(default=None, max_length=128)
    first_seen_after: datetime | None = None
    first_seen_before: datetime | None = None
    last_seen_after: datetime | None = None
    last_seen_before: datetime | None = None
    include_decommissioned: bool = False
    sort: SortField = "created_at"
    descending: bool = False
    limit: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    def matches(self, device: Device) -> bool:
        seen = device.last_seen
        checks = [
            not self.device_ids or device.id in self.device_ids,
            self.name_prefix is None or device.name.startswith(self.name_prefix),
            self.device_type is None or device.device_type == self.device_type,
            self.status is None or device.status in self.status,
            self.include_decommissioned
            or self.status is not None
            or device.status is not DeviceStatus.DECOMMISSIONED,
            set(self.tags) <= set(device.tags),
            not self.groups or bool(set(self.groups) & set(device.groups)),
            self.firmware_version is None or device.firmware_version == self.firmware_version,
            all(device.metadata.get(k) == v for k, v in self.metadata.items()),
            self.serial is None or device.serial == self.serial,
            _within(device.first_seen, self.first_seen_after, self.first_seen_before),
            _within(seen, self.last_seen_after, self.last_seen_before),
        ]
        return all(checks)

    def sort_key(self, device: Device) -> tuple[Any, str]:
        return getattr(device, self.sort), device.id

    @property
    def fingerprint(self) -> str:
        described = self.model_dump_json(exclude={"limit"})
        return hashlib.sha256(described.encode()).hexdigest()[:16]

    def cursor_after(self, device: Device) -> str:
        value = getattr(device, self.sort)
        raw = [
            self.fingerprint,
            value.isoformat() if isinstance(value, datetime) else value,
            device.id,
        ]
        return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")

    def read_cursor(self, cursor: str) -> tuple[Any, str]:
        """``(sort value, device id)`` of the device a page ends with."""
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            fingerprint, value, device_id = json.loads(base64.urlsafe_b64decode(padded))
            if not isinstance(value, str) or not isinstance(device_id, str):
                raise ValueError("cursor values must be strings")
            if fingerprint != self.fingerprint:
                raise InvalidCursorError("cursor belongs to a different search or sort")
            if self.sort in ("created_at", "status_changed_at"):
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    raise ValueError("cursor time has no zone")
                return require_utc_time(moment), device_id
        except (ValueError, TypeError) as exc:
            raise InvalidCursorError("cursor is not one this search returned") from exc
        return value, device_id


def _within(value: datetime | None, after: datetime | None, before: datetime | None) -> bool:
    """``after <= value < before``; a device never seen is outside any window."""
    if after is None and before is None:
        return True
    if value is None:
        return False
    return (after is None or value >= after) and (before is None or value < before)
