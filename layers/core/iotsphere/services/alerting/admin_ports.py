"""What the Alerts API needs beyond evaluation: rules, alarms and silences to list and change,
the organization's device types to check rules against, history to backtest over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.alerting.rules import Rule, Severity
from iotsphere.domain.alerting.transitions import AlarmStatus, AlarmTransition
from iotsphere.services.alerting.alarm_actions import AlarmActionPorts
from iotsphere.services.alerting.backtest import BacktestPorts
from iotsphere.services.alerting.ports import AlarmStore, SilenceStore
from iotsphere.services.alerting.ports import RuleStore as BaseRuleStore
from iotsphere.services.devices.ports import DeviceTypeRepository


@dataclass(frozen=True)
class RuleFilters:
    """Each given filter must match; ``None`` matches anything. ``metric`` matches any metric
    the rule reads (``Rule.metrics``): its own, or one a composite's part names."""

    metric: str | None = None
    severity: Severity | None = None
    enabled: bool | None = None


@dataclass(frozen=True)
class AlarmFilters:
    """``statuses`` empty matches every status; ``None`` elsewhere matches anything."""

    statuses: frozenset[AlarmStatus] = frozenset()
    severity: Severity | None = None
    device_id: str | None = None
    rule_id: str | None = None
    raised_after: datetime | None = None  # raised at or after
    raised_before: datetime | None = None


AlarmPosition = tuple[datetime, str]  # last_at and id of the last alarm of a page


class RuleCatalog(BaseRuleStore, Protocol):
    def find_rules(
        self, org_id: str, filters: RuleFilters, after: str | None, limit: int
    ) -> list[Rule]:
        """The organization's matching rules by id, only those whose id sorts after ``after``."""


class AlarmCatalog(AlarmStore, Protocol):
    def find_alarms(
        self, org_id: str, filters: AlarmFilters, after: AlarmPosition | None, limit: int
    ) -> list[Alarm]:
        """The organization's matching alarms, latest activity first (``last_at`` then id, both
        descending), only those after the position ``after`` in that order."""


class AlarmEvents(Protocol):
    def of_alarm(self, org_id: str, alarm_id: str, limit: int) -> list[AlarmTransition]:
        """The alarm's recorded transitions, newest first; ``StoreUnavailableError`` when the
        event store cannot be read."""


@dataclass(frozen=True)
class AlertAdminPorts:
    rules: RuleCatalog
    alarms: AlarmCatalog
    silences: SilenceStore
    types: DeviceTypeRepository
    actions: AlarmActionPorts
    backtest: BacktestPorts
    events: AlarmEvents
