"""send_notifications: one ``NotificationMessage`` to every subscription that wants it, each
delivery claimed before it is sent, so a redelivered message sends nothing twice.

A delivery due later (quiet hours, digest) is stored held; one that fails is stored retrying with
its next time. ``deliver_due`` (scheduled) sends both, and takes over deliveries whose notifier
died mid-send once their lease runs out.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import NotificationMessage
from iotsphere.domain.notifications.deliveries import (
    Attempt,
    Delivery,
    DeliveryStatus,
    after_attempt,
    delivery_id,
    short_error,
)
from iotsphere.domain.notifications.matching import matching_subscriptions
from iotsphere.domain.notifications.payloads import Notification
from iotsphere.domain.notifications.subscriptions import Subscription
from iotsphere.domain.notifications.timing import send_at
from iotsphere.services.notifications.errors import DeliveryFailedError, NotFoundError
from iotsphere.services.notifications.ports import NotificationPorts

LEASE = timedelta(seconds=120)
DUE_BATCH = 200


@dataclass(frozen=True)
class DeliveryCounts:
    matched: int = 0
    sent: int = 0
    held: int = 0
    failed: int = 0
    duplicates: int = 0
    skipped: int = 0


def always() -> bool:
    return True


def send_notifications(
    message: NotificationMessage,
    ports: NotificationPorts,
    now: datetime,
    send_now: Callable[[], bool] = always,
) -> DeliveryCounts:
    """``send_now`` says whether there is time left to send inline; when there is not, the
    delivery is held as due now and the schedule sends it within a minute."""
    subscriptions = ports.subscriptions.list_subscriptions(message.org_id)
    device = _device(message, subscriptions, ports) if message.transition.notify else None
    matched = matching_subscriptions(message, device, subscriptions)
    claim = uuid.uuid4().hex
    counts = {"sent": 0, "held": 0, "failed": 0, "duplicates": 0}
    for subscription in matched:
        due = send_at(subscription, message.transition.severity, now)
        if due is None and not send_now():
            due = now
        delivery = new_delivery(message, subscription, now, due, claim)
        if not ports.deliveries.claim_new(delivery):
            counts["duplicates"] += 1
        elif due is not None:
            counts["held"] += 1
        else:
            delivered = attempt(subscription, [delivery], claim, ports, now)
            counts["sent" if delivered else "failed"] += 1
    return DeliveryCounts(matched=len(matched), **counts)


def _device(
    message: NotificationMessage, subscriptions: Sequence[Subscription], ports: NotificationPorts
) -> DeviceProfile | None:
    """The device's groups and tags, read only when a subscription filters by them."""
    if not any(s.filter.groups or s.filter.tags for s in subscriptions):
        return None
    device_id = message.transition.device_id
    device = ports.devices.profiles([device_id]).get(device_id)
    return device if device is not None and device.org_id == message.org_id else None


def new_delivery(
    message: NotificationMessage,
    subscription: Subscription,
    now: datetime,
    due: datetime | None,
    claim: str,
) -> Delivery:
    held = due is not None
    return Delivery(
        id=delivery_id(message.org_id, message.idempotency_key, subscription.id),
        org_id=message.org_id,
        subscription_id=subscription.id,
        idempotency_key=message.idempotency_key,
        channel=subscription.channel_type,
        message=message,
        status=DeliveryStatus.HELD if held else DeliveryStatus.SENDING,
        created_at=now,
        next_at=due,
        lease_until=None if held else now + LEASE,
        claim=None if held else claim,
    )


def attempt(
    subscription: Subscription,
    deliveries: Sequence[Delivery],
    claim: str,
    ports: NotificationPorts,
    now: datetime,
) -> bool:
    """Send the deliveries as one notification (a digest when several) and record the attempt
    on each; True when the channel took it."""
    channel_type = subscription.channel_type
    permanent = False
    try:
        code = ports.channels[channel_type].send(subscription, Notification.of(deliveries))
        record = Attempt(
            at=now,
            channel=channel_type,
            outcome="delivered",
            status_code=code,
            digest_size=len(deliveries),
        )
    except DeliveryFailedError as exc:
        permanent = exc.permanent
        record = Attempt(
            at=now,
            channel=channel_type,
            outcome="failed",
            status_code=exc.status_code,
            error=short_error(exc.reason),
            digest_size=len(deliveries),
        )
    for delivery in deliveries:
        ports.deliveries.finish(after_attempt(delivery, record, now, permanent), claim)
    return record.outcome == "delivered"


def deliver_due(
    ports: NotificationPorts,
    now: datetime,
    limit: int = DUE_BATCH,
    send_now: Callable[[], bool] = always,
) -> DeliveryCounts:
    """Send what is due: held notifications (one digest per digest subscription), retries, and
    deliveries whose claim expired. A subscription deleted or disabled meanwhile skips them.
    Out of time (``send_now``), the rest stays claimed and the next run after its lease sends it
    (counted as ``held``)."""
    claim = uuid.uuid4().hex
    due = ports.deliveries.claim_due(now, now + LEASE, claim, limit)
    groups: dict[tuple[str, str], list[Delivery]] = defaultdict(list)
    for delivery in due:
        groups[(delivery.org_id, delivery.subscription_id)].append(delivery)
    work: list[tuple[Subscription, list[Delivery]]] = []
    skipped = 0
    for (org_id, subscription_id), deliveries in groups.items():
        subscription = _current(ports, org_id, subscription_id)
        if subscription is None:
            for delivery in deliveries:
                ports.deliveries.finish(_skipped(delivery), claim)
            skipped += len(deliveries)
        elif subscription.digest:
            work.append((subscription, deliveries))
        else:
            work += [(subscription, [delivery]) for delivery in deliveries]
    sent = failed = 0
    for done, (subscription, batch) in enumerate(work):
        if not send_now():
            held = sum(len(rest) for _, rest in work[done:])
            return DeliveryCounts(len(due), sent, held, failed, 0, skipped)
        if attempt(subscription, batch, claim, ports, now):
            sent += len(batch)
        else:
            failed += len(batch)
    return DeliveryCounts(matched=len(due), sent=sent, failed=failed, skipped=skipped)


def _current(ports: NotificationPorts, org_id: str, subscription_id: str) -> Subscription | None:
    try:
        subscription = ports.subscriptions.get(org_id, subscription_id)
    except NotFoundError:
        return None
    return subscription if subscription.enabled else None


def _skipped(delivery: Delivery) -> Delivery:
    return delivery.model_copy(
        update={
            "status": DeliveryStatus.SKIPPED,
            "reason": "the subscription was deleted or disabled before it was sent",
            "next_at": None,
            "lease_until": None,
            "claim": None,
        }
    )
