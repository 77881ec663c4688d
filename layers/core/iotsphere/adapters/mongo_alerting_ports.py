"""The alerting ports over one MongoDB database, for ``bootstrap`` to build once per process.

Rules, evaluator states, alarms and silences live in MongoDB; the device profiles come from the
device registry's collection; history, the transition log and the notification queue are given.
"""

from __future__ import annotations

from typing import Any

from pymongo.database import Database

from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.adapters.mongo_alerting_silences import COLLECTION as SILENCES
from iotsphere.adapters.mongo_alerting_silences import MongoSilenceStore
from iotsphere.adapters.mongo_alerting_state import (
    ALARMS,
    STATES,
    MongoAlarmStore,
    MongoEvaluatorStateStore,
)
from iotsphere.adapters.mongo_device_registrations import MongoDeviceRegistrations
from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.services.alerting.alarm_actions import AlarmActionPorts
from iotsphere.services.alerting.alarm_repeats import RepeatHoldingAlarms
from iotsphere.services.alerting.device_directory import RegistryDeviceDirectory
from iotsphere.services.alerting.ports import AlertingPorts, HistoryReader, TransitionLog
from iotsphere.services.alerting.rule_cache import DEFAULT_TTL_S, RuleCache
from iotsphere.services.ports import MessagePublisher


def _checked(database: Database[dict[str, Any]]) -> Database[dict[str, Any]]:
    if not database.codec_options.tz_aware:
        raise ValueError("the MongoDB client of the alerting stores needs tz_aware=True")
    return database


def mongo_alerting_ports(
    database: Database[dict[str, Any]],
    *,
    history: HistoryReader,
    transitions: TransitionLog,
    notifications: MessagePublisher,
    rule_ttl_s: float = DEFAULT_TTL_S,
) -> AlertingPorts:
    """Ports for ``evaluate_readings`` and the sweep; no I/O until a store is used."""
    database = _checked(database)
    return AlertingPorts(
        rules=RuleCache(MongoRuleStore(database[RULES]), ttl_s=rule_ttl_s),
        devices=RegistryDeviceDirectory(MongoDeviceRepository(database[DEVICES])),
        history=history,
        states=MongoEvaluatorStateStore(database[STATES]),
        alarms=RepeatHoldingAlarms(MongoAlarmStore(database[ALARMS])),
        transitions=transitions,
        silences=MongoSilenceStore(database[SILENCES]),
        notifications=notifications,
        registrations=MongoDeviceRegistrations(database[DEVICES]),
    )


def mongo_alarm_action_ports(
    database: Database[dict[str, Any]],
    *,
    transitions: TransitionLog,
    notifications: MessagePublisher,
) -> AlarmActionPorts:
    """Ports for acknowledging, assigning and commenting on alarms (the API)."""
    database = _checked(database)
    return AlarmActionPorts(
        alarms=MongoAlarmStore(database[ALARMS]),
        rules=MongoRuleStore(database[RULES]),
        transitions=transitions,
        notifications=notifications,
    )


def ensure_alerting_indexes(database: Database[dict[str, Any]]) -> None:
    """The indexes the alerting queries rely on; creating them again is harmless."""
    MongoRuleStore(database[RULES]).ensure_indexes()
    MongoEvaluatorStateStore(database[STATES]).ensure_indexes()
    MongoAlarmStore(database[ALARMS]).ensure_indexes()
    MongoSilenceStore(database[SILENCES]).ensure_indexes()
