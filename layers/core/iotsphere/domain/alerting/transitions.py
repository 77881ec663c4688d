"""Alarm transitions: every change of an alarm is one event, stored in InfluxDB (``alerts``) and,
unless suppressed, sent as a ``NotificationMessage`` on the ``notifications`` queue.

A transition's ``key`` is a digest of what happened (alarm, kind, moment, actor), never of when it
was processed, so a redelivered reading or a repeated sweep produces the same key: the store keeps
one and the notifier delivers one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.alerting.rules import Severity

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class AlarmStatus(StrEnum):
    ACTIVE = "active"
    ACKNOWLEDGED = "acknowledged"
    CLEARED = "cleared"


class TransitionKind(StrEnum):
    RAISED = "raised"
    CLEARED = "cleared"
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    COMMENTED = "commented"
    ESCALATED = "escalated"
    FLAPPING_STARTED = "flapping_started"
    FLAPPING_ENDED = "flapping_ended"


Suppression = Literal["flapping", "silenced"]


class AlarmTransition(BaseModel):
    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    key: str
    org_id: str
    alarm_id: str
    rule_id: str
    device_id: str
    metric: str
    kind: TransitionKind
    status: AlarmStatus
    acknowledged: bool
    severity: Severity
    episode: int
    at: datetime
    value: float | None = None
    by: str | None = None
    note: str | None = None
    target: str | None = None
    suppressed: Suppression | None = None

    @property
    def notify(self) -> bool:
        return self.suppressed is None


class NotificationMessage(BaseModel):
    """The body of one message on the ``notifications`` queue; ``idempotency_key`` is the
    transition's key, so the notifier can tell a redelivered transition from a new one."""

    v: Literal[1] = 1
    idempotency_key: str
    org_id: str
    rule_name: str
    transition: AlarmTransition

    @classmethod
    def of(cls, transition: AlarmTransition, rule_name: str) -> NotificationMessage:
        return cls(
            idempotency_key=transition.key,
            org_id=transition.org_id,
            rule_name=rule_name,
            transition=transition,
        )


def to_ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def from_ms(epoch_ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=epoch_ms)
