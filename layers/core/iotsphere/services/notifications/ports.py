"""What the notification services need from the outside world; every store call names the
organization except the two the scheduled delivery makes across organizations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from iotsphere.domain.notifications.channels import ChannelType
from iotsphere.domain.notifications.deliveries import Delivery, DeliveryStatus
from iotsphere.domain.notifications.inbox import InboxItem
from iotsphere.domain.notifications.payloads import Notification
from iotsphere.domain.notifications.subscriptions import Subscription
from iotsphere.services.alerting.ports import DeviceDirectory


class SubscriptionStore(Protocol):
    def save(self, subscription: Subscription) -> None:
        """Insert or replace (organization + id)."""

    def get(self, org_id: str, subscription_id: str) -> Subscription:
        """Raise ``NotFoundError`` when the organization has no such subscription."""

    def list_subscriptions(
        self, org_id: str, subscriber_id: str | None = None, limit: int = 500
    ) -> list[Subscription]:
        """The organization's subscriptions, oldest first; only one subscriber's when named."""

    def delete(self, org_id: str, subscription_id: str) -> None:
        """Raise ``NotFoundError`` when the organization has no such subscription."""


class DeliveryStore(Protocol):
    def claim_new(self, delivery: Delivery) -> bool:
        """Insert the delivery unless its id exists; False when it does (someone claimed it)."""

    def claim_due(
        self, now: datetime, lease_until: datetime, claim: str, limit: int
    ) -> list[Delivery]:
        """Across organizations: take held and retrying deliveries due by ``now``, and sending
        ones whose lease ran out, each atomically, as ``sending`` under ``claim``."""

    def finish(self, delivery: Delivery, claim: str) -> bool:
        """Save the delivery if it is still held under ``claim``; False if the claim was lost."""

    def redrive(self, org_id: str, delivery_id: str, now: datetime) -> Delivery:
        """Make a dead delivery due at ``now`` again (one more attempt). Raise ``NotFoundError``
        when the organization has no such delivery, ``ConflictError`` when it is not dead."""

    def list_deliveries(
        self,
        org_id: str,
        subscription_id: str | None = None,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        """Newest first."""


class InboxStore(Protocol):
    def add(self, items: Sequence[InboxItem]) -> None:
        """Keep items; the same id twice keeps one."""

    def list_items(
        self, org_id: str, user_id: str, unread_only: bool = False, limit: int = 50
    ) -> list[InboxItem]:
        """Newest first."""

    def count_unread(self, org_id: str, user_id: str) -> int: ...

    def mark_read(self, org_id: str, user_id: str, item_id: str, at: datetime) -> InboxItem:
        """Raise ``NotFoundError`` unless the user has this item; reading twice keeps the first
        time."""


class UserDirectory(Protocol):
    def get(self, org_id: str, user_id: str) -> object | None:
        """The organization's user, or None (the identity store's users fit)."""


class Channel(Protocol):
    def send(self, subscription: Subscription, notification: Notification) -> int | None:
        """Deliver; return the status code when the channel has one. Raise
        ``DeliveryFailedError`` when it could not."""


@dataclass(frozen=True)
class NotificationPorts:
    subscriptions: SubscriptionStore
    deliveries: DeliveryStore
    inbox: InboxStore
    devices: DeviceDirectory
    channels: Mapping[ChannelType, Channel]
    users: UserDirectory
