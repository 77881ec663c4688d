"""Subscription admin. Anyone who may read subscribes themselves; a subscription for a team or
for another user, and seeing everyone's, needs the ``manage_alarms`` permission (operators).
Another user's subscription looks missing to a viewer, another organization's to everyone."""

from __future__ import annotations

import uuid
from datetime import datetime

from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.roles import Permission
from iotsphere.domain.notifications.channels import ChannelType
from iotsphere.domain.notifications.signing import new_webhook_secret
from iotsphere.domain.notifications.subscriptions import Subscriber, Subscription, SubscriptionSpec
from iotsphere.domain.notifications.views import SubscriptionView
from iotsphere.services.notifications.errors import (
    ForbiddenError,
    InvalidSubscriptionError,
    NotFoundError,
)
from iotsphere.services.notifications.ports import SubscriptionStore, UserDirectory

MAX_SUBSCRIPTIONS_PER_ORG = 500
MANAGE = Permission.MANAGE_ALARMS


def create_subscription(
    caller: Principal,
    spec: SubscriptionSpec,
    store: SubscriptionStore,
    users: UserDirectory,
    now: datetime,
) -> tuple[SubscriptionView, str | None]:
    """The new subscription and, for a webhook, its signing secret: shown this once only."""
    subscriber = _subscriber(caller, spec, users)
    if len(store.list_subscriptions(caller.org_id)) >= MAX_SUBSCRIPTIONS_PER_ORG:
        raise InvalidSubscriptionError(
            "body", f"the organization has {MAX_SUBSCRIPTIONS_PER_ORG} subscriptions already"
        )
    secret = new_webhook_secret() if spec.channel.type == ChannelType.WEBHOOK else None
    subscription = Subscription(
        id=uuid.uuid4().hex[:24],
        org_id=caller.org_id,
        name=spec.name,
        subscriber=subscriber,
        filter=spec.filter,
        channel=spec.channel,
        quiet_hours=spec.quiet_hours,
        digest=spec.digest,
        enabled=spec.enabled,
        secret=secret,
        created_by=caller.subject_id,
        created_at=now,
        updated_at=now,
    )
    store.save(subscription)
    return SubscriptionView.of(subscription), secret


def list_subscriptions(caller: Principal, store: SubscriptionStore) -> list[SubscriptionView]:
    mine = None if caller.can(MANAGE) else caller.subject_id
    found = store.list_subscriptions(caller.org_id, subscriber_id=mine)
    return [SubscriptionView.of(s) for s in found if _visible(caller, s)]


def get_subscription(
    caller: Principal, subscription_id: str, store: SubscriptionStore
) -> SubscriptionView:
    return SubscriptionView.of(_get(caller, subscription_id, store))


def replace_subscription(
    caller: Principal,
    subscription_id: str,
    spec: SubscriptionSpec,
    store: SubscriptionStore,
    users: UserDirectory,
    now: datetime,
) -> SubscriptionView:
    """Everything but the channel's type (the secret goes with it): delete and create for that."""
    current = _get(caller, subscription_id, store)
    if spec.channel.type != current.channel.type:
        raise InvalidSubscriptionError(
            "body.channel.type", "cannot change; delete the subscription and create another"
        )
    replaced = current.model_copy(
        update={
            "name": spec.name,
            "subscriber": _subscriber(caller, spec, users),
            "filter": spec.filter,
            "channel": spec.channel,
            "quiet_hours": spec.quiet_hours,
            "digest": spec.digest,
            "enabled": spec.enabled,
            "updated_at": now,
        }
    )
    store.save(replaced)
    return SubscriptionView.of(replaced)


def rotate_secret(
    caller: Principal, subscription_id: str, store: SubscriptionStore, now: datetime
) -> tuple[SubscriptionView, str]:
    """A new signing secret for a webhook subscription, shown this once; the old one stops."""
    current = _get(caller, subscription_id, store)
    if current.channel_type is not ChannelType.WEBHOOK:
        raise InvalidSubscriptionError("channel.type", "only webhook subscriptions are signed")
    secret = new_webhook_secret()
    rotated = current.model_copy(update={"secret": secret, "updated_at": now})
    store.save(rotated)
    return SubscriptionView.of(rotated), secret


def delete_subscription(caller: Principal, subscription_id: str, store: SubscriptionStore) -> None:
    _get(caller, subscription_id, store)
    store.delete(caller.org_id, subscription_id)


def _get(caller: Principal, subscription_id: str, store: SubscriptionStore) -> Subscription:
    subscription = store.get(caller.org_id, subscription_id)
    if not _visible(caller, subscription):
        raise NotFoundError(f"no subscription {subscription_id!r}")
    return subscription


def _visible(caller: Principal, subscription: Subscription) -> bool:
    own = subscription.subscriber == Subscriber(kind="user", id=caller.subject_id)
    return subscription.org_id == caller.org_id and (own or caller.can(MANAGE))


def _subscriber(caller: Principal, spec: SubscriptionSpec, users: UserDirectory) -> Subscriber:
    if spec.subscriber is None:
        if caller.kind != "user":
            raise InvalidSubscriptionError("body.subscriber", "an API key must name one")
        subscriber = Subscriber(kind="user", id=caller.subject_id)
    else:
        subscriber = spec.subscriber
    own = subscriber == Subscriber(kind="user", id=caller.subject_id)
    if not own and not caller.can(MANAGE):
        raise ForbiddenError(f"subscribing a team or another user needs the {MANAGE} permission")
    if not own and subscriber.kind == "user" and users.get(caller.org_id, subscriber.id) is None:
        raise InvalidSubscriptionError("body.subscriber.id", "no such user in the organization")
    if spec.channel.type == ChannelType.IN_APP and subscriber.kind != "user":
        raise InvalidSubscriptionError("body.channel", "the in-app feed belongs to a user")
    return subscriber
