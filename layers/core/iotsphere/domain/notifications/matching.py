"""Which subscriptions a notification reaches: a pure function of the message, the device and
the organization's subscriptions."""

from __future__ import annotations

from collections.abc import Iterable

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import NotificationMessage
from iotsphere.domain.notifications.subscriptions import Subscription, SubscriptionFilter


def filter_matches(
    wanted: SubscriptionFilter, message: NotificationMessage, device: DeviceProfile | None
) -> bool:
    """Whether a transition passes a filter; an unknown device has no groups and no tags."""
    transition = message.transition
    if transition.kind not in wanted.kinds:
        return False
    if transition.severity.rank > wanted.min_severity.rank:
        return False
    if wanted.rule_ids and transition.rule_id not in wanted.rule_ids:
        return False
    if wanted.device_ids and transition.device_id not in wanted.device_ids:
        return False
    groups = device.groups if device else frozenset()
    tags = device.tags if device else frozenset()
    if wanted.groups and groups.isdisjoint(wanted.groups):
        return False
    return not (wanted.tags and tags.isdisjoint(wanted.tags))


def is_escalation_target(subscription: Subscription, message: NotificationMessage) -> bool:
    """An escalation step that names a team reaches that team's subscriptions, whatever their
    filter says."""
    target = message.transition.target
    return (
        target is not None
        and subscription.subscriber.kind == "team"
        and subscription.subscriber.id == target
    )


def matching_subscriptions(
    message: NotificationMessage,
    device: DeviceProfile | None,
    subscriptions: Iterable[Subscription],
) -> list[Subscription]:
    """Enabled subscriptions of the message's organization that want it, in the given order.
    A suppressed transition (flapping, silenced) reaches none."""
    if not message.transition.notify:
        return []
    return [
        subscription
        for subscription in subscriptions
        if subscription.enabled
        and subscription.org_id == message.org_id
        and (
            is_escalation_target(subscription, message)
            or filter_matches(subscription.filter, message, device)
        )
    ]
