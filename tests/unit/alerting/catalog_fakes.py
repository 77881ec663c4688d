"""Fakes of the Alerts API's catalogs: the alerting fakes plus filtered, paged finds."""

from __future__ import annotations

from datetime import UTC, datetime

from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.transitions import AlarmStatus, AlarmTransition
from iotsphere.services.alerting.admin_ports import AlarmFilters, AlarmPosition, RuleFilters
from iotsphere.services.errors import StoreUnavailableError
from tests.unit.alerting.fakes import FakeAlarms, FakeLog, FakeRules


class FakeRuleCatalog(FakeRules):
    def find_rules(
        self, org_id: str, filters: RuleFilters, after: str | None, limit: int
    ) -> list[Rule]:
        found = sorted(
            (
                r
                for r in self.rules.values()
                if r.org_id == org_id
                and (filters.metric is None or filters.metric in r.metrics)
                and filters.severity in (None, r.severity)
                and filters.enabled in (None, r.enabled)
                and (after is None or r.id > after)
            ),
            key=lambda r: r.id,
        )
        return found[:limit]


class FakeAlarmCatalog(FakeAlarms):
    def find_alarms(
        self, org_id: str, filters: AlarmFilters, after: AlarmPosition | None, limit: int
    ) -> list[Alarm]:
        found = sorted(
            (
                a
                for a in self.saved.values()
                if a.org_id == org_id
                and (not filters.statuses or a.status in filters.statuses)
                and filters.severity in (None, a.severity)
                and filters.device_id in (None, a.device_id)
                and filters.rule_id in (None, a.rule_id)
                and (filters.raised_after is None or a.raised_at >= filters.raised_after)
                and (filters.raised_before is None or a.raised_at < filters.raised_before)
                and (after is None or (a.last_at, a.id) < after)
            ),
            key=lambda a: (a.last_at, a.id),
            reverse=True,
        )
        return found[:limit]


def make_alarm(alarm_id: str, minute: int, **extra: object) -> Alarm:
    at = datetime(2026, 11, 26, 18, minute, tzinfo=UTC)
    fields: dict[str, object] = {
        "id": alarm_id,
        "org_id": "orga",
        "rule_id": "r1",
        "device_id": "pump-1",
        "metric": "temperature",
        "severity": "major",
        "status": AlarmStatus.ACTIVE,
        "raised_at": at,
        "opened_at": at,
        "last_at": at,
        **extra,
    }
    return Alarm.model_validate(fields)


class FakeAlarmEvents:
    """Reads back what a ``FakeLog`` kept; ``down`` makes it fail like an unreachable store."""

    def __init__(self, log: FakeLog) -> None:
        self.log = log
        self.down = False

    def of_alarm(self, org_id: str, alarm_id: str, limit: int) -> list[AlarmTransition]:
        if self.down:
            raise StoreUnavailableError("fake event store is down")
        found = [t for t in self.log.kept.values() if (t.org_id, t.alarm_id) == (org_id, alarm_id)]
        return sorted(found, key=lambda t: t.at, reverse=True)[:limit]
