"""``PendingActions`` over the ``alarms`` collection: alarms whose outbox holds transitions of
people's actions not yet sent (``services/alerting/alarm_outbox``).

No index: the sweep runs once a minute and reads only the documents whose outbox is not empty,
which is nearly none; the scan is of the alarms collection (one document per rule, device and
metric), cheap next to the evaluator's writes.
"""

from __future__ import annotations

from typing import Any

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import PyMongoError

from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.adapters.mongo_alerting_state import ALARMS, MongoAlarmStore
from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.services.alerting.alarm_actions import AlarmActionPorts
from iotsphere.services.alerting.alarm_outbox import OutboxPorts
from iotsphere.services.alerting.ports import TransitionLog
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.ports import MessagePublisher

WITH_OUTBOX = {"outbox.0": {"$exists": True}}


class MongoAlarmOutbox:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def with_outbox(self, limit: int) -> list[Alarm]:
        try:
            documents = list(self._collection.find(WITH_OUTBOX).limit(limit))
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB alarm outbox read failed: {exc}") from exc
        return [
            Alarm.model_validate({**{k: v for k, v in doc.items() if k != "_id"}, "id": doc["_id"]})
            for doc in documents
        ]


def mongo_alarm_outbox_ports(
    database: Database[dict[str, Any]],
    *,
    transitions: TransitionLog,
    notifications: MessagePublisher,
) -> OutboxPorts:
    """Ports of the outbox sweep; no I/O until a store is used."""
    if not database.codec_options.tz_aware:
        raise ValueError("the MongoDB client of the alarm outbox needs tz_aware=True")
    return OutboxPorts(
        pending=MongoAlarmOutbox(database[ALARMS]),
        actions=AlarmActionPorts(
            alarms=MongoAlarmStore(database[ALARMS]),
            rules=MongoRuleStore(database[RULES]),
            transitions=transitions,
            notifications=notifications,
        ),
    )
