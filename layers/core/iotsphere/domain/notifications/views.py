"""What the API returns: subscriptions without their secret (a Slack URL masked, its path is
its credential), deliveries without their claim."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.alerting.transitions import TransitionKind
from iotsphere.domain.notifications.channels import (
    ChannelConfig,
    ChannelType,
    SlackChannel,
    masked_url,
)
from iotsphere.domain.notifications.deliveries import Attempt, Delivery, DeliveryStatus
from iotsphere.domain.notifications.subscriptions import (
    Digest,
    QuietHours,
    Subscriber,
    Subscription,
    SubscriptionFilter,
)


class SubscriptionView(BaseModel):
    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    id: str
    name: str
    subscriber: Subscriber
    filter: SubscriptionFilter
    channel: ChannelConfig
    quiet_hours: QuietHours | None
    digest: Digest | None
    enabled: bool
    signed: bool
    created_by: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, subscription: Subscription) -> Self:
        channel = subscription.channel
        if isinstance(channel, SlackChannel):
            channel = channel.model_copy(update={"url": masked_url(channel.url)})
        return cls(
            id=subscription.id,
            name=subscription.name,
            subscriber=subscription.subscriber,
            filter=subscription.filter,
            channel=channel,
            quiet_hours=subscription.quiet_hours,
            digest=subscription.digest,
            enabled=subscription.enabled,
            signed=subscription.secret is not None,
            created_by=subscription.created_by,
            created_at=subscription.created_at,
            updated_at=subscription.updated_at,
        )


class DeliveryView(BaseModel):
    """One line of the delivery log."""

    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    id: str
    subscription_id: str
    idempotency_key: str
    alarm_id: str
    rule_name: str
    device_id: str
    kind: TransitionKind
    channel: ChannelType
    status: DeliveryStatus
    created_at: datetime
    next_at: datetime | None
    reason: str | None
    attempts: list[Attempt]

    @classmethod
    def of(cls, delivery: Delivery) -> Self:
        transition = delivery.message.transition
        return cls(
            id=delivery.id,
            subscription_id=delivery.subscription_id,
            idempotency_key=delivery.idempotency_key,
            alarm_id=transition.alarm_id,
            rule_name=delivery.message.rule_name,
            device_id=transition.device_id,
            kind=transition.kind,
            channel=delivery.channel,
            status=delivery.status,
            created_at=delivery.created_at,
            next_at=delivery.next_at,
            reason=delivery.reason,
            attempts=delivery.attempts,
        )
