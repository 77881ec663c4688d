"""evaluate alerts: the readings of one ``alerts`` queue message against the rules that watch their
devices, in device time, into alarm changes, transition events and notifications."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.alerting.evaluator import (
    accept,
    adopt,
    needs_history,
    new_state,
    prime,
)
from iotsphere.domain.alerting.evaluator_state import EvaluatorState, Verdict
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.scope import DeviceProfile, RuleIndex
from iotsphere.domain.alerting.signals import Point
from iotsphere.domain.alerting.transitions import AlarmTransition, to_ms
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.alarm_updates import Changes, alarm_key, apply_verdicts, commit
from iotsphere.services.alerting.errors import ConcurrentUpdateError
from iotsphere.services.alerting.history_windows import between, read_windows, stored_between
from iotsphere.services.alerting.ports import (
    AlarmStore,
    AlertingPorts,
    HistoryReader,
    RuleSource,
    StateKey,
)


@dataclass(frozen=True)
class EvaluationResult:
    readings: int
    unknown_devices: int
    evaluated: int
    late_dropped: int
    transitions: list[AlarmTransition]


Work = tuple[Rule, DeviceProfile, dict[str, list[Point]]]  # points of each metric the rule reads
MAX_ATTEMPTS = 3
CATCH_UP_S = 300  # how far back a restored state takes the readings stored after its newest


def numeric_points(readings: list[ForwardedReading], metric: str) -> list[Point]:
    """The metric's numbers (booleans as 0 and 1; strings are not evaluated)."""
    return [
        (reading.ts_ms, float(value))
        for reading in readings
        if (value := reading.metrics.get(metric)) is not None and not isinstance(value, str)
    ]


def evaluate_readings(
    batch: ReadingsBatch, ports: AlertingPorts, now: datetime
) -> EvaluationResult:
    """``now`` is the platform time: the escalation clock of a newly raised alarm, and the bound
    of the watermark (a reading stamped ahead of it waits for it).

    Two evaluations of one device at once (the queue is not FIFO) make one of them lose a save
    with ``ConcurrentUpdateError``; it starts again from what is stored, which is safe because
    every step is idempotent, instead of waiting a visibility timeout for SQS to redeliver.
    """
    for _ in range(MAX_ATTEMPTS - 1):
        try:
            return _evaluate(batch, ports, now)
        except ConcurrentUpdateError:
            continue
    return _evaluate(batch, ports, now)


def _evaluate(batch: ReadingsBatch, ports: AlertingPorts, now: datetime) -> EvaluationResult:
    by_device: dict[str, list[ForwardedReading]] = defaultdict(list)
    for reading in batch.readings:
        by_device[reading.device_id].append(reading)
    profiles = ports.devices.profiles(list(by_device))
    work = _work(by_device, profiles, ports.rules)
    if not work:  # unknown devices, or no rule watches them: no store is read
        return EvaluationResult(len(batch.readings), len(by_device) - len(profiles), 0, 0, [])
    states = _load_states(work, ports)
    now_ms = to_ms(now)
    late = 0
    changes = Changes()
    decided: list[tuple[Rule, DeviceProfile, list[Verdict]]] = []
    for rule, profile, points in work:
        before = states[(rule.org_id, rule.id, profile.device_id, rule.metric)]
        own = points.pop(rule.metric, [])
        state, verdicts = accept(before, rule, own, now_ms=now_ms, others=points)
        late += state.late_dropped - before.late_dropped
        changes.states.append(state)
        if any(verdict.active or verdict.changed for verdict in verdicts):
            decided.append((rule, profile, verdicts))
    alarms = _load_alarms([(rule, profile) for rule, profile, _ in decided], ports.alarms)
    for rule, profile, verdicts in decided:
        alarm_id = alarm_key(rule, profile.device_id)
        old = alarms.get(alarm_id)
        alarm, transitions = apply_verdicts(old, rule, profile.device_id, verdicts, now)
        if alarm is not None:
            alarms[alarm_id] = alarm
        changes.add(old, alarm, transitions, rule.name, profile)
    recorded = commit(changes, ports)
    return EvaluationResult(
        readings=len(batch.readings),
        unknown_devices=len(by_device) - len(profiles),
        evaluated=len(work),
        late_dropped=late,
        transitions=recorded,
    )


def _work(
    by_device: dict[str, list[ForwardedReading]],
    profiles: dict[str, DeviceProfile],
    rules: RuleSource,
) -> list[Work]:
    """Each rule that watches a known device, with that device's points of each metric the rule
    reads (a reading may carry only some of them); one rule index per organization in the
    batch."""
    work: list[Work] = []
    indexes: dict[str, RuleIndex] = {}
    for device_id, readings in by_device.items():
        profile = profiles.get(device_id)
        if profile is None:
            continue
        if profile.org_id not in indexes:
            indexes[profile.org_id] = RuleIndex(rules.enabled_rules(profile.org_id))
        for rule in indexes[profile.org_id].rules_for(profile):
            by_metric = {metric: numeric_points(readings, metric) for metric in rule.metrics}
            points = {metric: found for metric, found in by_metric.items() if found}
            if points:
                work.append((rule, profile, points))
    return work


def _load_states(work: list[Work], ports: AlertingPorts) -> dict[StateKey, EvaluatorState]:
    """Saved states, restored ones caught up (their work gets the stored readings they never
    saw), and new ones primed with history."""
    keys = [(rule.org_id, rule.id, profile.device_id, rule.metric) for rule, profile, _ in work]
    loaded = ports.states.load(keys)
    saved = loaded.states
    fresh = [
        (rule, profile.device_id, _first_ms(points))
        for key, (rule, profile, points) in zip(keys, work, strict=True)
        if key not in saved
    ]
    restored = [
        (saved[key], item) for key, item in zip(keys, work, strict=True) if key in loaded.restored
    ]
    _catch_up(restored, ports.history)
    states = saved | _fresh(fresh, ports.history)
    return {key: adopt(states[key], rule) for key, (rule, _, _) in zip(keys, work, strict=True)}


def _first_ms(points: dict[str, list[Point]]) -> int:
    return min(ts for found in points.values() for ts, _ in found)


def _catch_up(restored: list[tuple[EvaluatorState, Work]], history: HistoryReader) -> None:
    """Add to each restored state's work the stored readings after the newest it saw and before
    the batch's first (at most ``CATCH_UP_S`` back): one history read per metric. Readings the
    state did see, or that still wait in the queue, come again as late ones and are dropped."""
    wanted: list[tuple[Work, int, int]] = []
    for state, item in restored:
        if state.max_seen_ms is None:
            continue
        end = _first_ms(item[2])
        start = max(state.max_seen_ms + 1, end - CATCH_UP_S * 1000)
        if start < end:
            wanted.append((item, start, end))
    found = stored_between([(rule, p.device_id, a, b) for (rule, p, _), a, b in wanted], history)
    for ((_, _, points), _, _), gaps in zip(wanted, found, strict=True):
        for metric, gap in gaps.items():
            points[metric] = gap + points.get(metric, [])


def _fresh(
    fresh: list[tuple[Rule, str, int]], history: HistoryReader
) -> dict[StateKey, EvaluatorState]:
    """New states, each primed with the window before its first reading of each metric whose
    leaves need one: one history read per metric for all of them (a rule saved over a thousand
    devices starts them all at once)."""
    read = read_windows(
        [
            (metric, device_id, first_ms - window_s * 1000, first_ms)
            for rule, device_id, first_ms in fresh
            for metric, window_s in needs_history(rule).items()
        ],
        history,
    )
    states: dict[StateKey, EvaluatorState] = {}
    for rule, device_id, first_ms in fresh:
        found = {
            metric: between(read[metric].get(device_id, []), first_ms - window_s * 1000, first_ms)
            for metric, window_s in needs_history(rule).items()
        }
        state = new_state(rule, device_id)
        if found:
            state = prime(state, found.pop(rule.metric, []), others=found)
        states[state.key] = state
    return states


def _load_alarms(watched: list[tuple[Rule, DeviceProfile]], store: AlarmStore) -> dict[str, Alarm]:
    """Only the alarms a verdict may raise, repeat or clear: a reading that leaves its rule
    quiet never needs its alarm. One read per organization."""
    ids_by_org: dict[str, list[str]] = defaultdict(list)
    for rule, profile in watched:
        ids_by_org[rule.org_id].append(alarm_key(rule, profile.device_id))
    loaded: dict[str, Alarm] = {}
    for org_id, ids in ids_by_org.items():
        loaded.update(store.load(org_id, ids))
    return loaded
