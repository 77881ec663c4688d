"""A delivery: one transition to one subscription, claimed before it is sent, with every attempt
kept. Its id is a digest of the transition's key and the subscription, so however often SQS
redelivers the message there is one delivery to claim."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.alerting.transitions import NotificationMessage
from iotsphere.domain.digests import digest
from iotsphere.domain.notifications.channels import ChannelType

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)
MAX_ERROR_CHARS = 500


class DeliveryStatus(StrEnum):
    SENDING = "sending"  # claimed by a notifier until ``lease_until``
    HELD = "held"  # waiting for the end of quiet hours or the next digest (``next_at``)
    RETRYING = "retrying"  # an attempt failed; the next one is due at ``next_at``
    DELIVERED = "delivered"
    DEAD = "dead"  # given up: ``reason`` says why
    SKIPPED = "skipped"  # the subscription went away or was disabled before it could be sent


OPEN_STATUSES = frozenset({DeliveryStatus.SENDING, DeliveryStatus.HELD, DeliveryStatus.RETRYING})


class Attempt(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: datetime
    channel: ChannelType
    outcome: Literal["delivered", "failed"]
    status_code: int | None = None
    error: str | None = None
    digest_size: int = 1


class Delivery(BaseModel):
    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    id: str
    org_id: str
    subscription_id: str
    idempotency_key: str
    channel: ChannelType
    message: NotificationMessage
    status: DeliveryStatus
    created_at: datetime
    next_at: datetime | None = None
    lease_until: datetime | None = None
    claim: str | None = None
    reason: str | None = None
    attempts: list[Attempt] = Field(default_factory=list)


def delivery_id(org_id: str, idempotency_key: str, subscription_id: str) -> str:
    return digest("delivery", org_id, idempotency_key, subscription_id)


def retry_delay(failed_attempts: int) -> timedelta:
    """30 s after the first failure, doubling: 30 s, 1, 2, 4, 8 min (about 15 min in all)."""
    factor: int = 2 ** (failed_attempts - 1)
    return FIRST_RETRY * factor


def after_attempt(
    delivery: Delivery, attempt: Attempt, now: datetime, permanent: bool = False
) -> Delivery:
    """The delivery once ``attempt`` is recorded: delivered, retried later, or dead with the
    reason when the channel refused for good or the attempts are spent."""
    attempts = [*delivery.attempts, attempt]
    base = {"attempts": attempts, "lease_until": None, "claim": None}
    if attempt.outcome == "delivered":
        return delivery.model_copy(
            update={**base, "status": DeliveryStatus.DELIVERED, "next_at": None, "reason": None}
        )
    failures = sum(1 for a in attempts if a.outcome == "failed")
    if permanent or failures >= MAX_ATTEMPTS:
        why = "refused" if permanent else f"{failures} attempts failed"
        return delivery.model_copy(
            update={
                **base,
                "status": DeliveryStatus.DEAD,
                "next_at": None,
                "reason": f"{why}; last: {attempt.error}",
            }
        )
    return delivery.model_copy(
        update={
            **base,
            "status": DeliveryStatus.RETRYING,
            "next_at": now + retry_delay(failures),
            "reason": attempt.error,
        }
    )


def short_error(error: str) -> str:
    return error if len(error) <= MAX_ERROR_CHARS else error[: MAX_ERROR_CHARS - 1] + "…"
