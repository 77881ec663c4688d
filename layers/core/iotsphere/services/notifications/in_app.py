"""The in-app channel: a notification becomes items in the subscribing user's feed."""

from __future__ import annotations

from iotsphere.domain.notifications.inbox import InboxItem, inbox_item_id
from iotsphere.domain.notifications.payloads import Notification
from iotsphere.domain.notifications.subscriptions import Subscription
from iotsphere.services.notifications.errors import DeliveryFailedError
from iotsphere.services.notifications.ports import InboxStore


class InAppChannel:
    def __init__(self, inbox: InboxStore) -> None:
        self._inbox = inbox

    def send(self, subscription: Subscription, notification: Notification) -> int | None:
        if subscription.subscriber.kind != "user":
            raise DeliveryFailedError("the in-app feed belongs to a user", permanent=True)
        self._inbox.add(
            [
                InboxItem(
                    id=inbox_item_id(notification.id, item.idempotency_key),
                    org_id=subscription.org_id,
                    user_id=subscription.subscriber.id,
                    subscription_id=subscription.id,
                    notification_id=notification.id,
                    item=item,
                    created_at=item.transition.at,
                )
                for item in notification.items
            ]
        )
        return None
