"""Quarantined messages of the caller's devices, newest first, a page at a time.

A quarantine record carries the device id from the topic and no organization: ingest stores what it
received and does not consult the registry. Its organization is decided when it is read, by the
device registry (device ids are unique across organizations), so a message of another
organization's device, or of an id no registry entry has, is never listed for the caller.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.quarantine import QuarantinedMessage
from iotsphere.domain.timestamps import require_utc_time
from iotsphere.services.devices.errors import NotFoundError
from iotsphere.services.errors import InvalidQueryError
from iotsphere.services.telemetry_access import DeviceDirectory, every_device_id, require_device

MAX_PAGE_SIZE = 200
LISTED_PAYLOAD_CHARS = 4096  # a page of 200 stays far below a Lambda's 6 MB answer


class QuarantineSearch(BaseModel):
    """``received_at`` in ``[since, until)``; ``reason_contains`` matches any case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    since: datetime | None = None
    until: datetime | None = None
    reason_contains: str | None = Field(default=None, min_length=1, max_length=200)
    limit: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)


class QuarantineFinder(Protocol):
    def find(
        self,
        device_ids: Sequence[str],
        search: QuarantineSearch,
        after: tuple[datetime, str] | None,
    ) -> list[QuarantinedMessage]:
        """Up to ``search.limit`` messages of those devices, newest first (then by id, down),
        after the given ``(received_at, id)``."""

    def get(self, message_id: str) -> QuarantinedMessage | None: ...


class ListedMessage(QuarantinedMessage):
    payload_truncated: bool = Field(
        default=False, description=f"payload cut to {LISTED_PAYLOAD_CHARS} characters in lists"
    )


@dataclass(frozen=True)
class QuarantinePage:
    items: list[ListedMessage]
    next_cursor: str | None


def list_quarantine(
    org_id: str,
    device_id: str | None,
    search: QuarantineSearch,
    cursor: str | None,
    devices: DeviceDirectory,
    store: QuarantineFinder,
) -> QuarantinePage:
    """``NotFoundError`` when ``device_id`` is no device of the organization."""
    if search.since and search.until and search.until <= search.since:
        raise InvalidQueryError("query.until: must be after since")
    if device_id is not None:
        device_ids = [require_device(org_id, device_id, devices).id]
    else:
        device_ids = every_device_id(org_id, devices)
    if not device_ids:
        return QuarantinePage([], None)
    wider = search.model_copy(update={"limit": search.limit + 1})
    found = store.find(device_ids, wider, read_cursor(cursor) if cursor else None)
    page = found[: search.limit]
    more = len(found) > search.limit
    return QuarantinePage([shortened(m) for m in page], cursor_after(page[-1]) if more else None)


def get_quarantined(
    org_id: str, message_id: str, devices: DeviceDirectory, store: QuarantineFinder
) -> QuarantinedMessage:
    """The whole message, if its device is the organization's."""
    message = store.get(message_id)
    if message is None or devices.get(org_id, message.device_id) is None:
        raise NotFoundError(f"no quarantined message {message_id!r}")
    return message


def shortened(message: QuarantinedMessage) -> ListedMessage:
    """Listed payloads are cut (base64 on a 4-character boundary); ``get_quarantined`` has all."""
    fields = message.model_dump()
    if len(message.payload) > LISTED_PAYLOAD_CHARS:
        fields.update(payload=message.payload[:LISTED_PAYLOAD_CHARS], payload_truncated=True)
    return ListedMessage.model_validate(fields)


def cursor_after(message: QuarantinedMessage) -> str:
    raw = json.dumps([message.received_at.isoformat(), message.id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def read_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        received_at, message_id = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(received_at, str) or not isinstance(message_id, str):
            raise ValueError("cursor values must be strings")
        moment = datetime.fromisoformat(received_at)
        if moment.tzinfo is None:
            raise ValueError("cursor time has no zone")
        return require_utc_time(moment), message_id
    except (ValueError, TypeError) as exc:
        raise InvalidQueryError("query.cursor: not one this listing returned") from exc
