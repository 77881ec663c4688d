"""The delivery log and redrive of dead letters (operators), and each user's in-app feed (only
their own)."""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.notifications.deliveries import DeliveryStatus
from iotsphere.domain.notifications.inbox import InboxItem, InboxPage
from iotsphere.domain.notifications.views import DeliveryView
from iotsphere.services.notifications.ports import DeliveryStore, InboxStore


def list_deliveries(
    caller: Principal,
    store: DeliveryStore,
    subscription_id: str | None = None,
    status: DeliveryStatus | None = None,
    limit: int = 100,
) -> list[DeliveryView]:
    found = store.list_deliveries(caller.org_id, subscription_id, status, limit)
    return [DeliveryView.of(d) for d in found if d.org_id == caller.org_id]


def redrive_delivery(
    caller: Principal, delivery_id: str, store: DeliveryStore, now: datetime
) -> DeliveryView:
    """One more attempt for a dead-lettered delivery, by the next scheduled run; if it fails it
    is dead again with the new reason."""
    return DeliveryView.of(store.redrive(caller.org_id, delivery_id, now))


def list_inbox(
    caller: Principal, store: InboxStore, unread_only: bool = False, limit: int = 50
) -> list[InboxItem]:
    return store.list_items(caller.org_id, caller.subject_id, unread_only, limit)


def inbox_page(
    caller: Principal, store: InboxStore, unread_only: bool = False, limit: int = 50
) -> InboxPage:
    """The caller's newest items with the count of all their unread ones (for a badge)."""
    items = list_inbox(caller, store, unread_only, limit)
    return InboxPage(items=items, unread=store.count_unread(caller.org_id, caller.subject_id))


def mark_read(caller: Principal, item_id: str, store: InboxStore, now: datetime) -> InboxItem:
    return store.mark_read(caller.org_id, caller.subject_id, item_id, now)
