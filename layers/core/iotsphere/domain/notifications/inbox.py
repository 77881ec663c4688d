"""The in-app feed: one item per notification a user's in-app subscription received."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.alerting.transitions import digest
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


def inbox_item_id(notification_id: str, idempotency_key: str) -> str:
    """Stable per notification and transition: writing an item twice keeps one."""
    return digest("inbox", notification_id, idempotency_key)[:24]
