"""In-memory fakes of the alerting ports, honest about organizations and revisions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.alerting.evaluator_state import EvaluatorState
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.silences import Silence
from iotsphere.domain.alerting.transitions import AlarmTransition, to_ms
from iotsphere.services.alerting.errors import ConcurrentUpdateError, NotFoundError
from iotsphere.services.alerting.ports import AlertingPorts, LoadedStates, Registration, StateKey
from tests.fakes import FakePublisher
from tests.unit.alerting.rules import T0


class FakeRules:
    def __init__(self) -> None:
        self.rules: dict[str, Rule] = {}
        self.reads = 0

    def enabled_rules(self, org_id: str) -> list[Rule]:
        self.reads += 1
        return [r for r in self.rules.values() if r.org_id == org_id and r.enabled]

    def orgs_with_enabled_rules(self) -> list[str]:
        return sorted({r.org_id for r in self.rules.values() if r.enabled})

    def known_rule_ids(self, org_id: str, rule_ids: Collection[str]) -> set[str]:
        return {r.id for r in self.rules.values() if r.org_id == org_id and r.id in rule_ids}

    def save(self, rule: Rule) -> None:
        self.rules[f"{rule.org_id}/{rule.id}"] = rule

    def get(self, org_id: str, rule_id: str) -> Rule:
        found = [r for r in self.rules.values() if (r.org_id, r.id) == (org_id, rule_id)]
        if not found:
            raise NotFoundError(f"no rule {rule_id!r}")
        return found[0]

    def list_rules(self, org_id: str, limit: int = 500) -> list[Rule]:
        return [r for r in self.rules.values() if r.org_id == org_id][:limit]

    def delete(self, org_id: str, rule_id: str) -> None:
        self.get(org_id, rule_id)
        self.rules = {k: r for k, r in self.rules.items() if (r.org_id, r.id) != (org_id, rule_id)}


class FakeDevices:
    """The registry: profiles, and when each device was registered (a day before ``T0`` unless
    ``add`` says)."""

    def __init__(self, *profiles: DeviceProfile) -> None:
        self.known = {p.device_id: p for p in profiles}
        self.registered_ms = {p.device_id: T0 - 86_400_000 for p in profiles}
        self.registry_reads: list[tuple[str, int | None]] = []  # each ``registered`` asked

    def add(self, profile: DeviceProfile, registered_ms: int) -> None:
        self.known[profile.device_id] = profile
        self.registered_ms[profile.device_id] = registered_ms

    def registered(self, org_id: str, since_ms: int | None) -> list[Registration]:
        found = [
            Registration(profile=p, registered_ms=self.registered_ms[p.device_id])
            for p in self.known.values()
            if p.org_id == org_id
            and (since_ms is None or self.registered_ms[p.device_id] >= since_ms)
        ]
        self.registry_reads.append((org_id, since_ms))
        return sorted(found, key=lambda r: (r.registered_ms, r.profile.device_id))

    def profiles(self, device_ids: Collection[str]) -> dict[str, DeviceProfile]:
        return {d: self.known[d] for d in device_ids if d in self.known}

    def list_profiles(self, org_id: str, limit: int) -> list[DeviceProfile]:
        return [p for p in self.known.values() if p.org_id == org_id][:limit]


class FakeHistory:
    def __init__(self) -> None:
        self.series: dict[tuple[str, str], list[tuple[int, float]]] = {}
        self.asked: list[tuple[str, str, datetime, datetime]] = []

        self.reads: list[tuple[str, list[str]]] = []  # each read: its metric and devices

    def points(self, device_id, metric, start, end):
        self.reads.append((metric, [device_id]))
        return self._points(device_id, metric, start, end)

    def windows(self, metric, ranges):
        self.reads.append((metric, sorted(ranges)))
        found = {d: self._points(d, metric, start, end) for d, (start, end) in ranges.items()}
        return {d: points for d, points in found.items() if points}

    def _points(self, device_id, metric, start, end):
        self.asked.append((device_id, metric, start, end))
        return [
            p
            for p in sorted(self.series.get((device_id, metric), []))
            if to_ms(start) <= p[0] < to_ms(end)
        ]


class FakeStates:
    """Marks are per device, as the store's are per device document: saving any state of a
    marked device gives the device its due time back."""

    def __init__(self) -> None:
        self.saved: dict[StateKey, EvaluatorState] = {}
        self.handed: list[StateKey] = []  # every state ``due_across_orgs`` returned
        self.kept: set[StateKey] = set()  # saved by this "process"; clear() is a restart
        self.marked: set[tuple[str, str]] = set()  # (organization, device) due at once
        self.reloads: list[list[StateKey]] = []  # the keys of each ``reload``

    def load(self, keys):
        found = {k: self.saved[k] for k in keys if k in self.saved}
        return LoadedStates(found, frozenset(found.keys() - self.kept))

    def reload(self, keys):
        self.reloads.append(sorted(keys))
        return self.load(keys)

    def save(self, states: Sequence[EvaluatorState]) -> None:
        for state in states:
            stored = self.saved.get(state.key)
            if (stored.revision if stored else 0) != state.revision:
                raise ConcurrentUpdateError(f"state {state.key} changed")
        for state in states:
            self.saved[state.key] = state.model_copy(update={"revision": state.revision + 1})
            self.kept.add(state.key)
            self.marked.discard((state.org_id, state.device_id))

    def due_across_orgs(self, now_ms: int) -> list[EvaluatorState]:
        due = [
            s.model_copy(update={"due_ms": 0}) if (s.org_id, s.device_id) in self.marked else s
            for s in self.saved.values()
        ]
        due = [s for s in due if s.due_ms is not None and s.due_ms <= now_ms]
        self.handed += [s.key for s in due]
        return due

    def mark_org_due(self, org_id: str) -> None:
        self.marked |= {(o, d) for o, _, d, _ in self.saved if o == org_id}

    def remove(self, states: Sequence[EvaluatorState]) -> None:
        """A mark stays, as the store's does."""
        for state in states:
            stored = self.saved.get(state.key)
            if stored is not None and stored.revision != state.revision:
                raise ConcurrentUpdateError(f"state {state.key} changed")
        for state in states:
            self.saved.pop(state.key, None)


class FakeAlarms:
    def __init__(self) -> None:
        self.saved: dict[str, Alarm] = {}

    def load(self, org_id, alarm_ids):
        return {
            i: self.saved[i]
            for i in alarm_ids
            if i in self.saved and self.saved[i].org_id == org_id
        }

    def save(self, alarms: Sequence[Alarm]) -> None:
        for alarm in alarms:
            stored = self.saved.get(alarm.id)
            if (stored.revision if stored else 0) != alarm.revision:
                raise ConcurrentUpdateError(f"alarm {alarm.id} changed")
        for alarm in alarms:
            self.saved[alarm.id] = alarm.model_copy(update={"revision": alarm.revision + 1})

    def save_repeats(self, alarms: Sequence[Alarm]) -> None:
        self.save(alarms)

    def orgs_with_open_alarms(self):
        return sorted({a.org_id for a in self.saved.values() if a.is_open})

    def open_or_flapping(self, org_id):
        return [a for a in self.saved.values() if a.org_id == org_id and (a.is_open or a.flapping)]


class FakeLog:
    def __init__(self) -> None:
        self.kept: dict[str, AlarmTransition] = {}

    def record(self, transitions: Sequence[AlarmTransition]) -> None:
        for t in transitions:
            self.kept.setdefault(t.key, t)


class FakeSilences:
    def __init__(self) -> None:
        self.silences: list[Silence] = []

    def save(self, silence: Silence) -> None:
        self.silences = [
            s for s in self.silences if (s.org_id, s.id) != (silence.org_id, silence.id)
        ]
        self.silences.append(silence)

    def delete(self, org_id: str, silence_id: str) -> None:
        kept = [s for s in self.silences if (s.org_id, s.id) != (org_id, silence_id)]
        if len(kept) == len(self.silences):
            raise NotFoundError(f"no silence {silence_id!r}")
        self.silences = kept

    def overlapping(self, org_id, start, end):
        return [
            s
            for s in self.silences
            if s.org_id == org_id and s.starts_at <= end and s.ends_at >= start
        ]


@dataclass
class Fakes:
    rules: FakeRules = field(default_factory=FakeRules)
    devices: FakeDevices = field(default_factory=FakeDevices)
    history: FakeHistory = field(default_factory=FakeHistory)
    states: FakeStates = field(default_factory=FakeStates)
    alarms: FakeAlarms = field(default_factory=FakeAlarms)
    transitions: FakeLog = field(default_factory=FakeLog)
    silences: FakeSilences = field(default_factory=FakeSilences)
    notifications: FakePublisher = field(default_factory=FakePublisher)

    def ports(self) -> AlertingPorts:
        return AlertingPorts(
            rules=self.rules,
            devices=self.devices,
            history=self.history,
            states=self.states,
            alarms=self.alarms,
            transitions=self.transitions,
            silences=self.silences,
            notifications=self.notifications,
            registrations=self.devices,
        )
