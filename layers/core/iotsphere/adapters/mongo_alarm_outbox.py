"""The ports of the outbox sweep (``services/alerting/alarm_outbox``): the alarm store finds the
alarms whose outbox holds transitions of people's actions not yet sent, and the same actions'
ports send them."""

from __future__ import annotations

from typing import Any

from pymongo.database import Database

from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.adapters.mongo_alerting_state import ALARMS, MongoAlarmStore
from iotsphere.services.alerting.alarm_actions import AlarmActionPorts
from iotsphere.services.alerting.alarm_outbox import OutboxPorts
from iotsphere.services.alerting.ports import TransitionLog
from iotsphere.services.ports import MessagePublisher


def mongo_alarm_outbox_ports(
    database: Database[dict[str, Any]],
    *,
    transitions: TransitionLog,
    notifications: MessagePublisher,
) -> OutboxPorts:
    """Ports of the outbox sweep; no I/O until a store is used."""
    if not database.codec_options.tz_aware:
        raise ValueError("the MongoDB client of the alarm outbox needs tz_aware=True")
    alarms = MongoAlarmStore(database[ALARMS])
    return OutboxPorts(
        pending=alarms,
        actions=AlarmActionPorts(
            alarms=alarms,
            rules=MongoRuleStore(database[RULES]),
            transitions=transitions,
            notifications=notifications,
        ),
    )
