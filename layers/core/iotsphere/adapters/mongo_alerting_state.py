"""Evaluator states and alarms in MongoDB: collections ``alert_states`` and ``alarms``.

Both are saved by revision (``mongo_alerting_revisions``), so SQS redelivery or two concurrent
evaluations never apply one change twice; ids are digests of what identifies them, so the same
rule, device and metric always land on the same document.
"""

from __future__ import annotations

from collections.abc import Collection as Ids
from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from iotsphere.adapters.mongo_alerting_revisions import save_revisions
from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.alerting.evaluator_state import EvaluatorState
from iotsphere.domain.alerting.transitions import AlarmStatus, digest
from iotsphere.services.alerting.errors import NotFoundError
from iotsphere.services.alerting.ports import StateKey
from iotsphere.services.errors import StoreUnavailableError

STATES = "alert_states"
ALARMS = "alarms"


def _fields(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "_id"}


def _read(action: str, exc: PyMongoError) -> StoreUnavailableError:
    return StoreUnavailableError(f"MongoDB {action} failed: {exc}")


class MongoEvaluatorStateStore:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def ensure_indexes(self) -> None:
        self._collection.create_index([("org_id", ASCENDING), ("has_pending", ASCENDING)])
        self._collection.create_index([("org_id", ASCENDING), ("rule_id", ASCENDING)])

    def load(self, keys: Ids[StateKey]) -> dict[StateKey, EvaluatorState]:
        if not keys:
            return {}
        ids = [digest(*key) for key in keys]
        try:
            documents = list(self._collection.find({"_id": {"$in": ids}}))
        except PyMongoError as exc:
            raise _read("alert state read", exc) from exc
        states = (EvaluatorState.model_validate(_fields(doc)) for doc in documents)
        return {state.key: state for state in states}

    def save(self, states: Sequence[EvaluatorState]) -> None:
        save_revisions(
            self._collection,
            [
                (
                    digest(*state.key),
                    state.revision,
                    {**state.model_dump(exclude={"revision"}), "has_pending": bool(state.pending)},
                )
                for state in states
            ],
        )

    def sweepable(self, org_id: str, missing_data_rule_ids: Ids[str]) -> list[EvaluatorState]:
        where = {
            "org_id": org_id,
            "$or": [{"has_pending": True}, {"rule_id": {"$in": list(missing_data_rule_ids)}}],
        }
        try:
            documents = list(self._collection.find(where))
        except PyMongoError as exc:
            raise _read("alert state read", exc) from exc
        return [EvaluatorState.model_validate(_fields(doc)) for doc in documents]


class MongoAlarmStore:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def ensure_indexes(self) -> None:
        self._collection.create_index([("org_id", ASCENDING), ("status", ASCENDING)])
        self._collection.create_index([("org_id", ASCENDING), ("last_at", DESCENDING)])

    def load(self, org_id: str, alarm_ids: Ids[str]) -> dict[str, Alarm]:
        if not alarm_ids:
            return {}
        found = self._find({"_id": {"$in": list(alarm_ids)}, "org_id": org_id}, limit=0)
        return {alarm.id: alarm for alarm in found}

    def get(self, org_id: str, alarm_id: str) -> Alarm:
        found = self._find({"_id": alarm_id, "org_id": org_id}, limit=1)
        if not found:
            raise NotFoundError(f"no alarm {alarm_id!r}")
        return found[0]

    def list_alarms(
        self,
        org_id: str,
        status: AlarmStatus | None = None,
        device_id: str | None = None,
        limit: int = 100,
    ) -> list[Alarm]:
        where: dict[str, Any] = {"org_id": org_id}
        if status is not None:
            where["status"] = str(status)
        if device_id is not None:
            where["device_id"] = str(device_id)
        return self._find(where, limit=limit)

    def save(self, alarms: Sequence[Alarm]) -> None:
        save_revisions(
            self._collection,
            [
                (
                    alarm.id,
                    alarm.revision,
                    alarm.model_dump(mode="json", exclude={"id", "revision"}),
                )
                for alarm in alarms
            ],
        )

    def open_or_flapping(self, org_id: str) -> list[Alarm]:
        where = {
            "org_id": org_id,
            "$or": [{"status": {"$ne": str(AlarmStatus.CLEARED)}}, {"flapping": True}],
        }
        return self._find(where, limit=0)

    def orgs_with_open_alarms(self) -> list[str]:
        try:
            found = self._collection.distinct(
                "org_id", {"status": {"$ne": str(AlarmStatus.CLEARED)}}
            )
        except PyMongoError as exc:
            raise _read("alarm read", exc) from exc
        return sorted(found)

    def _find(self, where: dict[str, Any], limit: int) -> list[Alarm]:
        try:
            cursor = self._collection.find(where).sort("last_at", DESCENDING).limit(limit)
            return [Alarm.model_validate({**_fields(doc), "id": doc["_id"]}) for doc in cursor]
        except PyMongoError as exc:
            raise _read("alarm read", exc) from exc
