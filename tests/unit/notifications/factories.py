"""Messages, subscriptions and deliveries for the notification tests, with only what a test
changes given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from iotsphere.domain.alerting.transitions import AlarmTransition, NotificationMessage
from iotsphere.domain.notifications.deliveries import Delivery, delivery_id
from iotsphere.domain.notifications.subscriptions import Subscription

ORG = "orga"
AT = datetime(2026, 11, 26, 18, 0, 2, tzinfo=UTC)


def message(org_id: str = ORG, rule_name: str = "Pump overheating", **changes: Any):
    fields: dict[str, Any] = {
        "key": "k1",
        "org_id": org_id,
        "alarm_id": "alarm1",
        "rule_id": "hot",
        "device_id": "pump-001",
        "metric": "temperature",
        "kind": "raised",
        "status": "active",
        "acknowledged": False,
        "severity": "major",
        "episode": 1,
        "at": AT,
        "value": 82.0,
    }
    fields.update(changes)
    return NotificationMessage.of(AlarmTransition.model_validate(fields), rule_name)


def subscription(sub_id: str = "s1", org_id: str = ORG, **changes: Any) -> Subscription:
    fields: dict[str, Any] = {
        "id": sub_id,
        "org_id": org_id,
        "name": "mine",
        "subscriber": {"kind": "user", "id": "u1"},
        "filter": {},
        "channel": {"type": "webhook", "url": "http://127.0.0.1:31080/hook"},
        "secret": "whsec_test",
        "created_by": "u1",
        "created_at": AT,
        "updated_at": AT,
    }
    fields.update(changes)
    return Subscription.model_validate(fields)


def delivery(key: str = "k1", sub: str = "s1") -> Delivery:
    """A claimed webhook delivery of ``message(key=key)`` to subscription ``sub``."""
    msg = message(key=key)
    return Delivery(
        id=delivery_id(msg.org_id, msg.idempotency_key, sub),
        org_id=msg.org_id,
        subscription_id=sub,
        idempotency_key=msg.idempotency_key,
        channel="webhook",
        message=msg,
        status="sending",
        created_at=AT,
        claim="c1",
        lease_until=AT + timedelta(seconds=60),
    )
