"""What the rule does to an alarm: raise (a new episode, or a repeat), clear, retire, and the
flap detection that counts raises and clears. Pure: an alarm in, the changed copy and its
transitions out; applying the same raise or clear twice changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from iotsphere.domain.alerting.alarms import Alarm, Result, alarm_id, transition
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.transitions import AlarmStatus, TransitionKind


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


REPEAT_FIELDS = ("count", "last_at", "last_value")


def only_repeated(before: Alarm | None, after: Alarm) -> bool:
    """Whether ``after`` differs from ``before`` only by repeats: readings that kept the same
    episode raised (its count, newest reading and value), which the evaluator may hold a while
    before saving."""
    if before is None or after == before:
        return False
    return after == before.model_copy(update={f: getattr(after, f) for f in REPEAT_FIELDS})


def with_repeats(stored: Alarm, held: Alarm) -> Alarm:
    """The stored alarm with the repeats of ``held`` (a copy of the same episode whose repeats
    are not saved yet) that it lacks: whatever else was saved meanwhile (an acknowledgement, an
    escalation) stays. Held repeats of an earlier episode, of a closed alarm or no newer than the
    stored ones are not applied. The count is the larger of the two: repeats another evaluator
    instance saved in between are not added to this one's."""
    if stored.episode != held.episode or not stored.is_open or held.last_at <= stored.last_at:
        return stored
    return stored.model_copy(
        update={
            "count": max(stored.count, held.count),
            "last_at": held.last_at,
            "last_value": held.last_value,
        }
    )


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
