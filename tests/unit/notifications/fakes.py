"""In-memory fakes of the notification ports, honest about organizations, claims and leases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from iotsphere.domain.notifications.channels import ChannelType
from iotsphere.domain.notifications.deliveries import OPEN_STATUSES, Delivery, DeliveryStatus
from iotsphere.domain.notifications.inbox import InboxItem
from iotsphere.domain.notifications.payloads import Notification
from iotsphere.domain.notifications.subscriptions import Subscription
from iotsphere.services.notifications.errors import (
    ConflictError,
    DeliveryFailedError,
    NotFoundError,
)
from iotsphere.services.notifications.in_app import InAppChannel
from iotsphere.services.notifications.ports import NotificationPorts
from tests.unit.alerting.fakes import FakeDevices


class FakeSubscriptions:
    def __init__(self, *subscriptions: Subscription) -> None:
        self.saved: dict[tuple[str, str], Subscription] = {}
        for subscription in subscriptions:
            self.save(subscription)

    def save(self, subscription: Subscription) -> None:
        self.saved[(subscription.org_id, subscription.id)] = subscription

    def get(self, org_id: str, subscription_id: str) -> Subscription:
        if (org_id, subscription_id) not in self.saved:
            raise NotFoundError(f"no subscription {subscription_id!r}")
        return self.saved[(org_id, subscription_id)]

    def list_subscriptions(self, org_id, subscriber_id=None, limit=500):
        return [
            s
            for (org, _), s in self.saved.items()
            if org == org_id and subscriber_id in (None, s.subscriber.id)
        ][:limit]

    def delete(self, org_id: str, subscription_id: str) -> None:
        self.get(org_id, subscription_id)
        del self.saved[(org_id, subscription_id)]


class FakeDeliveries:
    def __init__(self) -> None:
        self.saved: dict[str, Delivery] = {}
        self.lost_claims = 0

    def claim_new(self, delivery: Delivery) -> bool:
        if delivery.id in self.saved:
            return False
        self.saved[delivery.id] = delivery
        return True

    def claim_due(self, now, lease_until, claim, limit):
        taken = []
        for delivery in sorted(self.saved.values(), key=lambda d: d.created_at):
            waiting = delivery.status in (DeliveryStatus.HELD, DeliveryStatus.RETRYING)
            due = waiting and delivery.next_at <= now
            expired = delivery.status == DeliveryStatus.SENDING and delivery.lease_until <= now
            if (due or expired) and len(taken) < limit:
                claimed = delivery.model_copy(
                    update={"status": "sending", "claim": claim, "lease_until": lease_until}
                )
                self.saved[delivery.id] = claimed
                taken.append(claimed)
        return taken

    def finish(self, delivery: Delivery, claim: str) -> bool:
        if self.saved[delivery.id].claim != claim:
            self.lost_claims += 1
            return False
        self.saved[delivery.id] = delivery
        return True

    def redrive(self, org_id, delivery_id, now):
        found = self.saved.get(delivery_id)
        if found is None or found.org_id != org_id:
            raise NotFoundError(f"no delivery {delivery_id!r}")
        if found.status is not DeliveryStatus.DEAD:
            raise ConflictError(f"delivery {delivery_id!r} is not dead")
        self.saved[delivery_id] = found.model_copy(update={"status": "retrying", "next_at": now})
        return self.saved[delivery_id]

    def list_deliveries(self, org_id, subscription_id=None, status=None, limit=100):
        found = [
            d
            for d in self.saved.values()
            if d.org_id == org_id
            and subscription_id in (None, d.subscription_id)
            and status in (None, d.status)
        ]
        return sorted(found, key=lambda d: d.created_at, reverse=True)[:limit]

    def open(self) -> list[Delivery]:
        return [d for d in self.saved.values() if d.status in OPEN_STATUSES]


class FakeInbox:
    def __init__(self) -> None:
        self.items: dict[str, InboxItem] = {}

    def add(self, items: Sequence[InboxItem]) -> None:
        for item in items:
            self.items.setdefault(item.id, item)

    def list_items(self, org_id, user_id, unread_only=False, limit=50):
        found = [
            i
            for i in self.items.values()
            if (i.org_id, i.user_id) == (org_id, user_id) and not (unread_only and i.read_at)
        ]
        return sorted(found, key=lambda i: i.created_at, reverse=True)[:limit]

    def count_unread(self, org_id, user_id) -> int:
        return len(self.list_items(org_id, user_id, unread_only=True, limit=len(self.items)))

    def mark_read(self, org_id, user_id, item_id, at: datetime) -> InboxItem:
        item = self.items.get(item_id)
        if item is None or (item.org_id, item.user_id) != (org_id, user_id):
            raise NotFoundError(f"no inbox item {item_id!r}")
        if item.read_at is None:
            item = item.model_copy(update={"read_at": at})
            self.items[item_id] = item
        return item


@dataclass
class FakeChannel:
    """Records what it sent; ``failures`` are raised one per call before it succeeds."""

    sent: list[tuple[str, Notification]] = field(default_factory=list)
    failures: list[DeliveryFailedError] = field(default_factory=list)
    status_code: int | None = 200

    def send(self, subscription: Subscription, notification: Notification) -> int | None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((subscription.id, notification))
        return self.status_code


class FakeUsers:
    def __init__(self, *known: tuple[str, str]) -> None:
        self.known = set(known)  # (org_id, user_id)

    def get(self, org_id: str, user_id: str) -> object | None:
        return (org_id, user_id) if (org_id, user_id) in self.known else None


@dataclass
class NotifyFakes:
    subscriptions: FakeSubscriptions = field(default_factory=FakeSubscriptions)
    deliveries: FakeDeliveries = field(default_factory=FakeDeliveries)
    inbox: FakeInbox = field(default_factory=FakeInbox)
    devices: FakeDevices = field(default_factory=FakeDevices)
    webhook: FakeChannel = field(default_factory=FakeChannel)
    email: FakeChannel = field(default_factory=lambda: FakeChannel(status_code=250))
    users: FakeUsers = field(default_factory=FakeUsers)

    def ports(self) -> NotificationPorts:
        return NotificationPorts(
            subscriptions=self.subscriptions,
            deliveries=self.deliveries,
            inbox=self.inbox,
            devices=self.devices,
            channels={
                ChannelType.WEBHOOK: self.webhook,
                ChannelType.SLACK: self.webhook,
                ChannelType.EMAIL: self.email,
                ChannelType.IN_APP: InAppChannel(self.inbox),
            },
            users=self.users,
        )
