"""One alarm per rule + device + metric, and its lifecycle.

ACTIVE -> ACKNOWLEDGED -> CLEARED, or ACTIVE -> CLEARED (cleared-unacknowledged) -> acknowledged.
A raise after a clear opens the next ``episode`` of the same alarm. Readings that keep it raised
are repeats: they update ``count`` and the last value, and make no transition.

Every function is pure: it takes an alarm and returns the changed copy with its transitions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from iotsphere.domain.alerting.errors import AlarmLifecycleError
from iotsphere.domain.alerting.rules import Rule, Severity
from iotsphere.domain.alerting.transitions import (
    AlarmStatus,
    AlarmTransition,
    TransitionKind,
    digest,
    to_ms,
)

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
    revision: int = 0

    @property
    def is_open(self) -> bool:
        return self.status is not AlarmStatus.CLEARED


Result = tuple[Alarm, list[AlarmTransition]]


def alarm_id(org_id: str, rule_id: str, device_id: str, metric: str) -> str:
    return digest(org_id, rule_id, device_id, metric)


def raise_alarm(
    alarm: Alarm | None,
    rule: Rule,
    device_id: str,
    at: datetime,
    value: float | None,
    now: datetime,
) -> Result:
    """The rule rose at device time ``at``. Applying the same raise twice changes nothing."""
    if alarm is not None and _replayed(alarm, at):
        return alarm, []
    if alarm is not None and alarm.is_open:
        return repeat(alarm, at, value), []
    if alarm is None:
        alarm = Alarm(
            id=alarm_id(rule.org_id, rule.id, device_id, rule.metric),
            org_id=rule.org_id,
            rule_id=rule.id,
            device_id=device_id,
            metric=rule.metric,
            severity=rule.severity,
            status=AlarmStatus.ACTIVE,
            episode=1,
            raised_at=at,
            opened_at=now,
            last_value=value,
            last_at=at,
        )
    else:
        alarm = alarm.model_copy(
            update={
                "severity": rule.severity,
                "status": AlarmStatus.ACTIVE,
                "acknowledged": False,
                "acknowledged_by": None,
                "acknowledged_at": None,
                "episode": alarm.episode + 1,
                "count": 1,
                "raised_at": at,
                "opened_at": now,
                "last_value": value,
                "last_at": at,
                "cleared_at": None,
                "escalation_level": 0,
            }
        )
    return _changed(alarm, rule, TransitionKind.RAISED, at, value)


def clear_alarm(alarm: Alarm, rule: Rule, at: datetime, value: float | None) -> Result:
    """The rule cleared at device time ``at``; an alarm that is not open stays as it is."""
    if not alarm.is_open or _replayed(alarm, at):
        return alarm, []
    alarm = alarm.model_copy(
        update={"status": AlarmStatus.CLEARED, "cleared_at": at, "last_value": value}
    )
    return _changed(alarm, rule, TransitionKind.CLEARED, at, value)


def retire(alarm: Alarm, at: datetime) -> Result:
    """Clear an open alarm whose rule no longer applies: disabled, deleted, watching another
    metric, or its device left the scope or the registry (no flap accounting: it is not the rule
    speaking). If the rule comes to apply again and holds, its next reading raises anew."""
    if not alarm.is_open:
        return alarm, []
    alarm = alarm.model_copy(update={"status": AlarmStatus.CLEARED, "cleared_at": at})
    return alarm, [transition(alarm, TransitionKind.CLEARED, at, note="rule no longer applies")]


def _replayed(alarm: Alarm, at: datetime) -> bool:
    return alarm.last_change_at is not None and at <= alarm.last_change_at


def repeat(alarm: Alarm, at: datetime, value: float | None) -> Alarm:
    """A reading that keeps an open alarm raised; older readings than the last one are ignored."""
    if not alarm.is_open or at <= alarm.last_at:
        return alarm
    return alarm.model_copy(update={"count": alarm.count + 1, "last_at": at, "last_value": value})


def acknowledge(alarm: Alarm, by: str, at: datetime) -> Result:
    if alarm.acknowledged:
        raise AlarmLifecycleError(f"alarm already acknowledged by {alarm.acknowledged_by}")
    status = AlarmStatus.ACKNOWLEDGED if alarm.is_open else AlarmStatus.CLEARED
    alarm = alarm.model_copy(
        update={
            "status": status,
            "acknowledged": True,
            "acknowledged_by": by,
            "acknowledged_at": at,
        }
    )
    return alarm, [transition(alarm, TransitionKind.ACKNOWLEDGED, at, by=by)]


def assign(alarm: Alarm, assignee: str | None, by: str, at: datetime) -> Result:
    alarm = alarm.model_copy(update={"assignee": assignee})
    return alarm, [transition(alarm, TransitionKind.ASSIGNED, at, by=by, note=assignee)]


def add_comment(alarm: Alarm, text: str, by: str, at: datetime) -> Result:
    comment = Comment(at=at, by=by, text=text)
    comments = [*alarm.comments, comment][-MAX_COMMENTS:]
    alarm = alarm.model_copy(update={"comments": comments})
    return alarm, [transition(alarm, TransitionKind.COMMENTED, at, by=by, note=comment.text)]


def escalate(alarm: Alarm, rule: Rule, now: datetime) -> Result:
    """Take every escalation step now due for an open, unacknowledged alarm."""
    transitions: list[AlarmTransition] = []
    if not alarm.is_open or alarm.acknowledged:
        return alarm, transitions
    for level, step in enumerate(rule.escalation[alarm.escalation_level :], alarm.escalation_level):
        due = alarm.opened_at + timedelta(seconds=step.after_s)
        if now < due:
            break
        severity = alarm.severity
        if step.severity is not None and step.severity.rank < severity.rank:
            severity = step.severity
        alarm = alarm.model_copy(update={"severity": severity, "escalation_level": level + 1})
        transitions.append(
            transition(
                alarm, TransitionKind.ESCALATED, due, note=f"step {level + 1}", target=step.notify
            )
        )
    return alarm, transitions


def settle(alarm: Alarm, rule: Rule, now: datetime) -> Result:
    """End FLAPPING once no raise or clear came for ``settle_s``; the transition carries the
    state the alarm settled in, so subscribers learn it."""
    if not alarm.flapping or rule.flap is None or not alarm.changes:
        return alarm, []
    settled_at = alarm.changes[-1] + timedelta(seconds=rule.flap.settle_s)
    if now < settled_at:
        return alarm, []
    alarm = alarm.model_copy(update={"flapping": False, "changes": []})
    return alarm, [transition(alarm, TransitionKind.FLAPPING_ENDED, settled_at, value=None)]


def _changed(
    alarm: Alarm, rule: Rule, kind: TransitionKind, at: datetime, value: float | None
) -> Result:
    """Record a raise or clear for flap detection and make its transitions."""
    alarm, transitions = settle(alarm, rule, at)
    window = timedelta(seconds=rule.flap.window_s) if rule.flap else timedelta(0)
    changes = [*(c for c in alarm.changes if c > at - window), at]
    alarm = alarm.model_copy(update={"changes": changes[-100:], "last_change_at": at})
    starts = rule.flap is not None and not alarm.flapping and len(changes) >= rule.flap.transitions
    if starts:
        alarm = alarm.model_copy(update={"flapping": True})
    suppressed = "flapping" if alarm.flapping else None
    transitions.append(transition(alarm, kind, at, value=value, suppressed=suppressed))
    if starts:
        transitions.append(transition(alarm, TransitionKind.FLAPPING_STARTED, at, value=value))
    return alarm, transitions


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
