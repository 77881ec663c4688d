"""One alarm per rule + device + metric: what it records, and the transition factory.

ACTIVE -> ACKNOWLEDGED -> CLEARED, or ACTIVE -> CLEARED (cleared-unacknowledged) -> acknowledged.
A raise after a clear opens the next ``episode`` of the same alarm. What the rule does to it is in
``alarm_lifecycle``, what people and time do in ``alarm_handling``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from iotsphere.domain.alerting.rules import Severity
from iotsphere.domain.alerting.transitions import (
    AlarmStatus,
    AlarmTransition,
    TransitionKind,
    to_ms,
)
from iotsphere.domain.digests import digest

MAX_COMMENTS = 200


class Comment(BaseModel):
    at: datetime
    by: str
    text: str = Field(min_length=1, max_length=2000)


class Alarm(BaseModel):
    id: str
    org_id: str
    rule_id: str
    device_id: str
    metric: str
    severity: Severity
    status: AlarmStatus
    acknowledged: bool = False
    episode: int = 1
    count: int = 1
    raised_at: datetime
    opened_at: datetime = Field(description="platform time of the raise: escalation's clock")
    last_value: float | None = None
    last_at: datetime
    cleared_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    assignee: str | None = None
    comments: list[Comment] = Field(default_factory=list)
    flapping: bool = False
    changes: list[datetime] = Field(default_factory=list, description="recent raises and clears")
    last_change_at: datetime | None = Field(
        default=None, description="the newest raise or clear applied: older ones are replays"
    )
    escalation_level: int = 0
    outbox: list[AlarmTransition] = Field(
        default_factory=list,
        description="transitions of people's actions saved with the alarm and not yet handed "
        "to the notifier: the outbox sweep sends them",
    )
    revision: int = 0

    @property
    def is_open(self) -> bool:
        return self.status is not AlarmStatus.CLEARED


Result = tuple[Alarm, list[AlarmTransition]]


def stage(alarm: Alarm, transitions: list[AlarmTransition]) -> Alarm:
    """The alarm with these transitions pending in its outbox (a key already there once)."""
    waiting = {t.key for t in alarm.outbox}
    return alarm.model_copy(
        update={"outbox": [*alarm.outbox, *(t for t in transitions if t.key not in waiting)]}
    )


def unstage(alarm: Alarm, sent: list[AlarmTransition]) -> Alarm:
    """The alarm without the transitions just sent (any staged since stay)."""
    keys = {t.key for t in sent}
    return alarm.model_copy(update={"outbox": [t for t in alarm.outbox if t.key not in keys]})


def alarm_id(org_id: str, rule_id: str, device_id: str, metric: str) -> str:
    return digest(org_id, rule_id, device_id, metric)


def transition(
    alarm: Alarm,
    kind: TransitionKind,
    at: datetime,
    *,
    value: float | None = None,
    by: str | None = None,
    note: str | None = None,
    target: str | None = None,
    suppressed: str | None = None,
) -> AlarmTransition:
    return AlarmTransition(
        key=digest(alarm.id, kind, to_ms(at), by, note),
        org_id=alarm.org_id,
        alarm_id=alarm.id,
        rule_id=alarm.rule_id,
        device_id=alarm.device_id,
        metric=alarm.metric,
        kind=kind,
        status=alarm.status,
        acknowledged=alarm.acknowledged,
        severity=alarm.severity,
        episode=alarm.episode,
        at=at,
        value=value,
        by=by,
        note=note,
        target=target,
        suppressed="flapping" if suppressed == "flapping" else None,
    )
