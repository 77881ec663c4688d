"""The Alerts API's view of the alerting collections: the rule and alarm stores plus filtered,
paged finds, and the ports the API builds from one MongoDB database.

Alarms are stored with their times as ISO text (``mongo_alerting_state``), so an alarm page is
ordered by that text: the same as time order, except that within one second a time without a
fraction (``…:00Z``) sorts after one with it. Pages still never skip or repeat an alarm, because
the cursor compares the same text. A raise range compares the same way, its bounds written in UTC
as alarms are: only an alarm raised within the bound's own second may fall on the wrong side.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter
from pymongo import DESCENDING
from pymongo.database import Database
from pymongo.errors import PyMongoError

from iotsphere.adapters.mongo_alerting_ports import _checked as checked_database
from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.adapters.mongo_alerting_silences import COLLECTION as SILENCES
from iotsphere.adapters.mongo_alerting_silences import MongoSilenceStore
from iotsphere.adapters.mongo_alerting_state import ALARMS, MongoAlarmStore
from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.adapters.mongo_devices_types import COLLECTION as DEVICE_TYPES
from iotsphere.adapters.mongo_devices_types import MongoDeviceTypeRepository
from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.alerting.rules import Rule
from iotsphere.services.alerting.admin_ports import (
    AlarmEvents,
    AlarmFilters,
    AlarmPosition,
    AlertAdminPorts,
    RuleFilters,
)
from iotsphere.services.alerting.alarm_actions import AlarmActionPorts
from iotsphere.services.alerting.backtest import BacktestPorts
from iotsphere.services.alerting.device_directory import RegistryDeviceDirectory
from iotsphere.services.alerting.ports import HistoryReader, TransitionLog
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.ports import MessagePublisher

_STORED_TIME: TypeAdapter[datetime] = TypeAdapter(datetime)


class MongoRuleCatalog(MongoRuleStore):
    def find_rules(
        self, org_id: str, filters: RuleFilters, after: str | None, limit: int
    ) -> list[Rule]:
        where: dict[str, Any] = {"org_id": org_id}
        if filters.metric is not None:
            # a rule stored before ``metrics`` existed and not yet backfilled: its own metric
            metric = str(filters.metric)
            where["$or"] = [{"metrics": metric}, {"metric": metric}]
        if filters.severity is not None:
            where["severity"] = str(filters.severity)
        if filters.enabled is not None:
            where["enabled"] = bool(filters.enabled)
        if after is not None:
            where["_id"] = {"$gt": f"{org_id}/{after}"}
        return self._find(where, limit)


class MongoAlarmCatalog(MongoAlarmStore):
    def find_alarms(
        self, org_id: str, filters: AlarmFilters, after: AlarmPosition | None, limit: int
    ) -> list[Alarm]:
        where: dict[str, Any] = {"org_id": org_id}
        if filters.statuses:
            where["status"] = {"$in": sorted(str(status) for status in filters.statuses)}
        for name in ("severity", "device_id", "rule_id"):
            value = getattr(filters, name)
            if value is not None:
                where[name] = str(value)
        raised = {
            operator: _STORED_TIME.dump_python(at.astimezone(UTC), mode="json")
            for operator, at in (("$gte", filters.raised_after), ("$lt", filters.raised_before))
            if at is not None
        }
        if raised:
            where["raised_at"] = raised
        if after is not None:
            last_at = _STORED_TIME.dump_python(after[0], mode="json")
            before = [{"last_at": {"$lt": last_at}}, {"last_at": last_at, "_id": {"$lt": after[1]}}]
            where = {"$and": [where, {"$or": before}]}
        order = [("last_at", DESCENDING), ("_id", DESCENDING)]
        try:
            documents = list(self._collection.find(where).sort(order).limit(limit))
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB alarm read failed: {exc}") from exc
        return [Alarm.model_validate({**_fields(doc), "id": doc["_id"]}) for doc in documents]


def _fields(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "_id"}


def mongo_alert_admin_ports(
    database: Database[dict[str, Any]],
    *,
    history: HistoryReader,
    transitions: TransitionLog,
    notifications: MessagePublisher,
    events: AlarmEvents,
) -> AlertAdminPorts:
    """Ports for the Alerts API routes; no I/O until a store is used."""
    database = checked_database(database)
    rules = MongoRuleCatalog(database[RULES])
    alarms = MongoAlarmCatalog(database[ALARMS])
    return AlertAdminPorts(
        rules=rules,
        alarms=alarms,
        silences=MongoSilenceStore(database[SILENCES]),
        types=MongoDeviceTypeRepository(database[DEVICE_TYPES]),
        actions=AlarmActionPorts(
            alarms=alarms, rules=rules, transitions=transitions, notifications=notifications
        ),
        backtest=BacktestPorts(
            history=history,
            devices=RegistryDeviceDirectory(MongoDeviceRepository(database[DEVICES])),
        ),
        events=events,
    )
