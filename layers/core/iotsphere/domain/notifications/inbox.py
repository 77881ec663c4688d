"""The in-app feed: one item per notification a user's in-app subscription received."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.digests import digest
from iotsphere.domain.notifications.payloads import NotificationItem


class InboxItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    id: str
    org_id: str
    user_id: str
    subscription_id: str
    notification_id: str
    item: NotificationItem
    created_at: datetime
    read_at: datetime | None = None


class InboxPage(BaseModel):
    """Some of a user's feed, newest first, and how many of all their items are unread."""

    model_config = ConfigDict(frozen=True)

    version: Literal[1] = 1
    items: list[InboxItem]
    next_cursor: str | None = None
    unread: int = Field(description="the caller's unread items, whichever items this page shows")


def inbox_item_id(notification_id: str, idempotency_key: str) -> str:
    """Stable per notification and transition: writing an item twice keeps one."""
    return digest("inbox", notification_id, idempotency_key)[:24]
