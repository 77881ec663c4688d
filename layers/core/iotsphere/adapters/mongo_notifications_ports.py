"""The notification ports over one MongoDB database and the given channels, for ``bootstrap``
to build once per process; no I/O until a store or channel is used."""

from __future__ import annotations

from typing import Any

from pymongo.database import Database

from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.adapters.mongo_identity import COLLECTIONS as IDENTITY_COLLECTIONS
from iotsphere.adapters.mongo_identity_users import MongoUserRepository
from iotsphere.adapters.mongo_notifications_deliveries import COLLECTION as DELIVERIES
from iotsphere.adapters.mongo_notifications_deliveries import MongoDeliveryStore
from iotsphere.adapters.mongo_notifications_inbox import COLLECTION as INBOX
from iotsphere.adapters.mongo_notifications_inbox import MongoInboxStore
from iotsphere.adapters.mongo_notifications_subscriptions import COLLECTION as SUBSCRIPTIONS
from iotsphere.adapters.mongo_notifications_subscriptions import MongoSubscriptionStore
from iotsphere.adapters.smtp_channel import SmtpSender
from iotsphere.adapters.webhook_channel import WebhookSender
from iotsphere.domain.notifications.channels import ChannelType
from iotsphere.services.alerting.device_directory import RegistryDeviceDirectory
from iotsphere.services.notifications.in_app import InAppChannel
from iotsphere.services.notifications.ports import NotificationPorts


def mongo_notification_ports(
    database: Database[dict[str, Any]], *, smtp: SmtpSender, webhooks: WebhookSender
) -> NotificationPorts:
    if not database.codec_options.tz_aware:
        raise ValueError("the MongoDB client of the notification stores needs tz_aware=True")
    inbox = MongoInboxStore(database[INBOX])
    return NotificationPorts(
        subscriptions=MongoSubscriptionStore(database[SUBSCRIPTIONS]),
        deliveries=MongoDeliveryStore(database[DELIVERIES]),
        inbox=inbox,
        devices=RegistryDeviceDirectory(MongoDeviceRepository(database[DEVICES])),
        channels={
            ChannelType.WEBHOOK: webhooks,
            ChannelType.SLACK: webhooks,
            ChannelType.EMAIL: smtp,
            ChannelType.IN_APP: InAppChannel(inbox),
        },
        users=MongoUserRepository(database[IDENTITY_COLLECTIONS["users"]]),
    )


def ensure_notification_indexes(database: Database[dict[str, Any]]) -> None:
    """The indexes the notification queries rely on; creating them again is harmless."""
    MongoSubscriptionStore(database[SUBSCRIPTIONS]).ensure_indexes()
    MongoDeliveryStore(database[DELIVERIES]).ensure_indexes()
    MongoInboxStore(database[INBOX]).ensure_indexes()
