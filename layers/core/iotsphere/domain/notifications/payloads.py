"""What a channel sends: one ``Notification`` (a single transition, or a digest of several), and
how it reads as a JSON webhook, a Slack message and an e-mail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.alerting.transitions import AlarmTransition
from iotsphere.domain.digests import digest
from iotsphere.domain.notifications.deliveries import Delivery

MAX_SLACK_LINES = 20


class NotificationItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    idempotency_key: str
    rule_name: str
    transition: AlarmTransition


class Notification(BaseModel):
    """The JSON body of a webhook; ``id`` is stable across retries so receivers can dedupe."""

    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    id: str
    org_id: str
    subscription_id: str
    digest: bool
    items: list[NotificationItem]

    @classmethod
    def of(cls, deliveries: Sequence[Delivery], as_digest: bool = False) -> Notification:
        first = deliveries[0]
        ids = sorted(d.id for d in deliveries)
        return cls(
            id=ids[0] if len(ids) == 1 else digest("digest", *ids),
            org_id=first.org_id,
            subscription_id=first.subscription_id,
            digest=as_digest or len(deliveries) > 1,
            items=[
                NotificationItem(
                    idempotency_key=d.idempotency_key,
                    rule_name=d.message.rule_name,
                    transition=d.message.transition,
                )
                for d in deliveries
            ],
        )


def headline(item: NotificationItem) -> str:
    """``[MAJOR] Pump overheating raised on pump-001 (temperature = 82.0)``."""
    t = item.transition
    value = "" if t.value is None else f" ({t.metric} = {t.value:g})"
    return f"[{t.severity.value.upper()}] {item.rule_name} {t.kind.value} on {t.device_id}{value}"


def detail_line(item: NotificationItem) -> str:
    t = item.transition
    extras = [f"at {t.at.isoformat()}", f"status {t.status.value}"]
    extras += [f"by {t.by}"] if t.by else []
    extras += [f"note: {t.note}"] if t.note else []
    return f"{headline(item)} — {', '.join(extras)}"


def subject(notification: Notification) -> str:
    if notification.digest:
        return f"IoTSphere: {len(notification.items)} alarm notifications"
    return f"IoTSphere: {headline(notification.items[0])}"


def text_body(notification: Notification) -> str:
    lines = [detail_line(item) for item in notification.items]
    footer = f"\n\nSubscription {notification.subscription_id}, notification {notification.id}."
    return "\n".join(lines) + footer


def slack_body(notification: Notification) -> dict[str, Any]:
    """Slack's incoming-webhook format: ``text`` for notifications, ``blocks`` for the message."""
    lines = [detail_line(item) for item in notification.items[:MAX_SLACK_LINES]]
    more = len(notification.items) - len(lines)
    if more > 0:
        lines.append(f"… and {more} more")
    return {
        "text": subject(notification),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": line}} for line in lines],
    }
