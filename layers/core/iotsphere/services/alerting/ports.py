"""What the alerting services need from the outside world; every call is scoped by organization,
except the few the sweep makes across organizations, which say so in their names."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.alerting.evaluator_state import EvaluatorState
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.signals import Point
from iotsphere.domain.alerting.silences import Silence
from iotsphere.domain.alerting.transitions import AlarmTransition
from iotsphere.services.ports import MessagePublisher

StateKey = tuple[str, str, str, str]  # org_id, rule_id, device_id, metric
STATE_DEFERRAL_S = 30.0  # the longest a state store may defer writing a state (``save``)


class RuleSource(Protocol):
    def enabled_rules(self, org_id: str) -> list[Rule]:
        """The organization's enabled rules."""

    def orgs_with_enabled_rules(self) -> list[str]:
        """Across organizations, for the sweep only."""

    def known_rule_ids(self, org_id: str, rule_ids: Collection[str]) -> set[str]:
        """Which of these rules the organization has, enabled or not (read now, not cached: the
        sweep removes the states of the others)."""


class DeviceDirectory(Protocol):
    def profiles(self, device_ids: Collection[str]) -> dict[str, DeviceProfile]:
        """Profiles of the known devices among these ids (the device id names the organization)."""

    def list_profiles(self, org_id: str, limit: int) -> list[DeviceProfile]:
        """The organization's devices, for backtests over a scope."""


@dataclass(frozen=True)
class Registration:
    """A device of the registry and when it was registered (platform time, epoch ms)."""

    profile: DeviceProfile
    registered_ms: int


class DeviceRegistrations(Protocol):
    def registered(self, org_id: str, since_ms: int | None) -> list[Registration]:
        """The organization's devices (decommissioned ones left out) registered at or after
        ``since_ms`` (None: all of them), oldest first."""


class HistoryReader(Protocol):
    def points(self, device_id: str, metric: str, start: datetime, end: datetime) -> list[Point]:
        """Numeric points of one device metric with ``start <= time < end``, oldest first."""

    def windows(
        self, metric: str, ranges: Mapping[str, tuple[datetime, datetime]]
    ) -> dict[str, list[Point]]:
        """``points`` of each device in its own range, read together (devices with none are left
        out)."""


@dataclass(frozen=True)
class LoadedStates:
    """The saved states among the keys asked. ``restored`` are those read from the store now,
    not kept by this process since it last saved them: a store may write a state whose alarm
    decision did not change only every half minute or so, so a restored state may lag the readings
    already evaluated, and the evaluator first takes those again from history."""

    states: dict[StateKey, EvaluatorState]
    restored: frozenset[StateKey] = frozenset()


class EvaluatorStateStore(Protocol):
    def load(self, keys: Collection[StateKey]) -> LoadedStates:
        """Saved states among these keys."""

    def save(self, states: Sequence[EvaluatorState]) -> None:
        """Save each state if its stored revision is still ``state.revision``, as revision + 1;
        raise ``ConcurrentUpdateError`` otherwise. The store may defer writing a state whose
        alarm decision did not change, for ``STATE_DEFERRAL_S`` at most
        (``LoadedStates.restored``)."""

    def due_across_orgs(self, now_ms: int) -> list[EvaluatorState]:
        """Across organizations, for the sweep only: the states due by ``now_ms`` (``due_ms`` at
        or before it; a state saved before due times existed reads as 0), none whose ``due_ms``
        is later or None. Every state of a device marked by ``mark_org_due`` reads as due at 0
        until one of them is saved."""

    def reload(self, keys: Collection[StateKey]) -> LoadedStates:
        """``load``, every device read from the store now, not from what this process kept of it
        (which another process may have saved since): for code that creates states a device may
        already have (``silent_devices``)."""

    def remove(self, states: Sequence[EvaluatorState]) -> None:
        """Take these states out of their devices' documents, each if its stored revision is
        still ``state.revision`` (``ConcurrentUpdateError`` otherwise; one already gone is
        fine). A device left with none has nothing stored; a device marked by ``mark_org_due``
        stays marked."""

    def mark_org_due(self, org_id: str) -> None:
        """Make every state of the organization due at once, for the next sweep to apply its
        rules as they are now (a rule was saved, enabled or deleted)."""


class AlarmStore(Protocol):
    def load(self, org_id: str, alarm_ids: Collection[str]) -> dict[str, Alarm]:
        """The organization's alarms among these ids."""

    def save(self, alarms: Sequence[Alarm]) -> None:
        """Save if the stored revision is still ``alarm.revision`` (as revision + 1), else raise
        ``ConcurrentUpdateError``."""

    def save_repeats(self, alarms: Sequence[Alarm]) -> None:
        """Save alarms whose only change since they were read is repeats (``only_repeated``), as
        ``save`` does or later: a store may hold them a while (``RepeatHoldingAlarms``)."""

    def open_or_flapping(self, org_id: str) -> list[Alarm]:
        """Alarms the sweep may escalate or settle."""

    def orgs_with_open_alarms(self) -> list[str]:
        """Across organizations, for the sweep only."""


class TransitionLog(Protocol):
    def record(self, transitions: Sequence[AlarmTransition]) -> None:
        """Keep transitions; the same key twice keeps one."""


class SilenceSource(Protocol):
    def overlapping(self, org_id: str, start: datetime, end: datetime) -> list[Silence]:
        """The organization's silences with any part inside ``[start, end]``."""


class RuleStore(RuleSource, Protocol):
    def save(self, rule: Rule) -> None:
        """Insert or replace the rule (organization + id)."""

    def get(self, org_id: str, rule_id: str) -> Rule:
        """Raise ``NotFoundError`` when the organization has no such rule."""

    def list_rules(self, org_id: str, limit: int = 500) -> list[Rule]: ...

    def delete(self, org_id: str, rule_id: str) -> None:
        """Raise ``NotFoundError`` when the organization has no such rule."""


class SilenceStore(SilenceSource, Protocol):
    def save(self, silence: Silence) -> None:
        """Insert or replace the silence (organization + id)."""

    def delete(self, org_id: str, silence_id: str) -> None:
        """Raise ``NotFoundError`` when the organization has no such silence."""


@dataclass(frozen=True)
class AlertingPorts:
    """Everything evaluation and the sweep use."""

    rules: RuleSource
    devices: DeviceDirectory
    history: HistoryReader
    states: EvaluatorStateStore
    alarms: AlarmStore
    transitions: TransitionLog
    silences: SilenceSource
    notifications: MessagePublisher
    registrations: DeviceRegistrations
