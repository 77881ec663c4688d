"""What people and time do to an alarm: acknowledge, assign, comment, escalate."""

from __future__ import annotations

from datetime import datetime, timedelta

from iotsphere.domain.alerting.alarms import MAX_COMMENTS, Alarm, Comment, Result, transition
from iotsphere.domain.alerting.errors import AlarmLifecycleError
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.transitions import AlarmStatus, AlarmTransition, TransitionKind


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
