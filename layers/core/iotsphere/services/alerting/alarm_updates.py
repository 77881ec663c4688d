"""Turning verdicts into alarm changes, marking silenced transitions, and saving it all in the
order that makes a retry safe."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from iotsphere.domain.alerting.alarm_lifecycle import clear_alarm, only_repeated, raise_alarm
from iotsphere.domain.alerting.alarms import Alarm, alarm_id
from iotsphere.domain.alerting.evaluator_state import EvaluatorState, Verdict
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.silences import silencing
from iotsphere.domain.alerting.transitions import (
    AlarmTransition,
    NotificationMessage,
    TransitionKind,
    from_ms,
)
from iotsphere.services.alerting.ports import AlertingPorts, SilenceSource

SILENCEABLE = frozenset(
    {
        TransitionKind.RAISED,
        TransitionKind.CLEARED,
        TransitionKind.ESCALATED,
        TransitionKind.FLAPPING_STARTED,
        TransitionKind.FLAPPING_ENDED,
    }
)


def apply_verdicts(
    alarm: Alarm | None,
    rule: Rule,
    device_id: str,
    verdicts: Iterable[Verdict],
    now: datetime,
) -> tuple[Alarm | None, list[AlarmTransition]]:
    transitions: list[AlarmTransition] = []
    for verdict in verdicts:
        at = from_ms(verdict.ts_ms)
        if verdict.active:
            alarm, made = raise_alarm(alarm, rule, device_id, at, verdict.value, now)
        elif verdict.changed and alarm is not None:
            alarm, made = clear_alarm(alarm, rule, at, verdict.value)
        else:
            continue
        transitions.extend(made)
    return alarm, transitions


@dataclass
class Changes:
    """What one evaluation or sweep changed, saved together by ``commit``."""

    states: list[EvaluatorState] = field(default_factory=list)
    alarms: dict[str, Alarm] = field(default_factory=dict)
    transitions: list[tuple[AlarmTransition, str, DeviceProfile]] = field(default_factory=list)
    repeated: set[str] = field(default_factory=set)  # ids of alarms changed by repeats only

    def add(
        self,
        before: Alarm | None,
        after: Alarm | None,
        transitions: Sequence[AlarmTransition],
        rule_name: str,
        device: DeviceProfile,
    ) -> None:
        """Keep a changed alarm and its transitions, with the rule's name for the notification
        and the device for silences. An alarm is marked ``repeated`` while every change of it
        here was only repeats."""
        if after is not None and after != before:
            changed = after.id in self.alarms and after.id not in self.repeated
            self.alarms[after.id] = after
            if not changed and only_repeated(before, after):
                self.repeated.add(after.id)
            else:
                self.repeated.discard(after.id)
        self.transitions.extend((t, rule_name, device) for t in transitions)


def alarm_key(rule: Rule, device_id: str) -> str:
    return alarm_id(rule.org_id, rule.id, device_id, rule.metric)


def commit(changes: Changes, ports: AlertingPorts) -> list[AlarmTransition]:
    """Record transitions, notify, then save alarms and states last.

    A failure anywhere leaves the states unsaved, so the redelivered message computes the same
    transitions again: their keys make the log keep one and the notifier deliver one. Alarms
    changed by repeats only go to ``save_repeats``, every time (even with none: a store that
    holds repeats saves what is due then).
    """
    marked = _mark_silenced(changes.transitions, ports.silences)
    if marked:
        ports.transitions.record(marked)
        names = {t.key: rule_name for t, rule_name, _ in changes.transitions}
        ports.notifications.publish(
            [NotificationMessage.of(t, names[t.key]).model_dump_json() for t in marked if t.notify]
        )
    changed = [a for i, a in changes.alarms.items() if i not in changes.repeated]
    if changed:
        ports.alarms.save(changed)
    ports.alarms.save_repeats([changes.alarms[i] for i in changes.repeated])
    if changes.states:
        ports.states.save(changes.states)
    return marked


def _mark_silenced(
    transitions: Sequence[tuple[AlarmTransition, str, DeviceProfile]], source: SilenceSource
) -> list[AlarmTransition]:
    by_org: dict[str, list[datetime]] = {}
    for t, _, _ in transitions:
        if t.notify and t.kind in SILENCEABLE:
            by_org.setdefault(t.org_id, []).append(t.at)
    windows = {org: source.overlapping(org, min(ats), max(ats)) for org, ats in by_org.items()}
    marked = []
    for t, _, device in transitions:
        if (
            t.notify
            and t.kind in SILENCEABLE
            and silencing(windows[t.org_id], t.rule_id, device, t.at)
        ):
            t = t.model_copy(update={"suppressed": "silenced"})
        marked.append(t)
    return marked
