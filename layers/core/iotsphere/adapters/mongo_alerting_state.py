"""Evaluator states and alarms in MongoDB: collections ``alert_device_states`` and ``alarms``.

Both are saved by revision (``mongo_alerting_revisions``), so SQS redelivery or two concurrent
evaluations never apply one change twice; ids are digests of what identifies them, so the same
rule, device and metric always land on the same document.
"""

from __future__ import annotations

from collections.abc import Collection as Ids
from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReplaceOne, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, PyMongoError

from iotsphere.adapters.mongo_alerting_revisions import DUPLICATE_KEY, save_revisions
from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.alerting.evaluator_state import EvaluatorState
from iotsphere.domain.alerting.transitions import AlarmStatus, digest
from iotsphere.services.alerting.errors import ConcurrentUpdateError, NotFoundError
from iotsphere.services.alerting.ports import StateKey
from iotsphere.services.errors import StoreUnavailableError

STATES = "alert_device_states"  # one document per device (``alert_states`` held one per rule)
ALARMS = "alarms"


def _fields(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "_id"}


def _read(action: str, exc: PyMongoError) -> StoreUnavailableError:
    return StoreUnavailableError(f"MongoDB {action} failed: {exc}")


class MongoEvaluatorStateStore:
    """One document per organization and device, holding the states of every rule and metric
    that watches it (``states.<digest of rule and metric>``): a batch of readings costs one
    document per device to read and to write, not one per rule.

    Every write adds one to the document's ``revision``. A device this store has read is saved
    as a whole replacement filtered on the revision it read, so any save of that device by
    someone else in between makes it miss: ``ConcurrentUpdateError``, and the caller starts
    again from what is stored. A whole document costs the MongoDB-wire server much less than an
    update of many nested paths. Each state keeps its own revision too: a state not read through
    this store (or read before a newer one) is saved by naming, per state, the revision it had.
    """

    _REMEMBERED = 20_000  # documents read and not yet saved; beyond, forget them all

    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection
        self._seen: dict[str, tuple[int, dict[str, Any]]] = {}  # _id: (revision, states)

    def ensure_indexes(self) -> None:
        self._collection.create_index([("org_id", ASCENDING)])

    def load(self, keys: Ids[StateKey]) -> dict[StateKey, EvaluatorState]:
        if not keys:
            return {}
        wanted = {_device_doc(org_id, device_id) for org_id, _, device_id, _ in keys}
        documents = self._find({"_id": {"$in": sorted(wanted)}})
        for doc_id in wanted - {doc["_id"] for doc in documents}:
            self._seen[doc_id] = (0, {})
        slots = {doc["_id"]: doc.get("states", {}) for doc in documents}
        found: dict[StateKey, EvaluatorState] = {}
        for key in keys:
            org_id, rule_id, device_id, metric = key
            saved = slots.get(_device_doc(org_id, device_id), {}).get(_slot(rule_id, metric))
            if saved is not None:
                found[key] = EvaluatorState.model_validate(saved)
        return found

    def save(self, states: Sequence[EvaluatorState]) -> None:
        by_device: dict[str, list[EvaluatorState]] = {}
        for state in states:
            by_device.setdefault(_device_doc(state.org_id, state.device_id), []).append(state)
        operations = [self._write(doc_id, group) for doc_id, group in by_device.items()]
        if not operations:
            return
        try:
            result = self._collection.bulk_write(operations, ordered=False)
        except BulkWriteError as exc:
            codes = {error.get("code") for error in exc.details.get("writeErrors", [])}
            if codes == {DUPLICATE_KEY}:
                raise ConcurrentUpdateError("alert states: saved by someone else") from exc
            raise StoreUnavailableError(f"MongoDB alert state write failed: {exc}") from exc
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB alert state write failed: {exc}") from exc
        if result.matched_count + result.upserted_count < len(operations):
            raise ConcurrentUpdateError("alert states: saved by someone else")

    def sweepable(self, org_id: str, missing_data_rule_ids: Ids[str]) -> list[EvaluatorState]:
        """Every device document of the organization, filtered here: with the default lateness
        most states wait on readings, so an index would save the sweep (once a minute) little."""
        missing = set(missing_data_rule_ids)
        states = (
            EvaluatorState.model_validate(saved)
            for doc in self._find({"org_id": org_id})
            for saved in doc.get("states", {}).values()
        )
        return [s for s in states if s.pending or s.rule_id in missing]

    def _find(self, where: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            documents = list(self._collection.find(where))
        except PyMongoError as exc:
            raise _read("alert state read", exc) from exc
        if len(self._seen) + len(documents) > self._REMEMBERED:
            self._seen.clear()
        for doc in documents:
            if "revision" in doc:  # documents written before revisions get one on their update
                self._seen[doc["_id"]] = (doc["revision"], doc.get("states", {}))
        return documents

    def _write(
        self, doc_id: str, states: list[EvaluatorState]
    ) -> ReplaceOne[dict[str, Any]] | UpdateOne:
        revision, slots = self._seen.pop(doc_id, (-1, {}))
        new = {_slot(s.rule_id, s.metric): s for s in states}
        if revision < 0 or any(
            slots.get(slot, {}).get("revision", 0) != state.revision for slot, state in new.items()
        ):
            return _device_update(doc_id, states)
        document = {
            "org_id": states[0].org_id,
            "device_id": states[0].device_id,
            "revision": revision + 1,
            "states": slots | {slot: _dump(state) for slot, state in new.items()},
        }
        # none read (revision 0): an insert, which a document created meanwhile refuses
        return ReplaceOne({"_id": doc_id, "revision": revision}, document, upsert=not revision)


def _device_doc(org_id: str, device_id: str) -> str:
    return digest(org_id, device_id)


def _slot(rule_id: str, metric: str) -> str:
    return digest(rule_id, metric)


def _dump(state: EvaluatorState) -> dict[str, Any]:
    return {**state.model_dump(), "revision": state.revision + 1}


def _device_update(doc_id: str, states: list[EvaluatorState]) -> UpdateOne:
    where: dict[str, Any] = {"_id": doc_id}
    fields: dict[str, Any] = {"org_id": states[0].org_id, "device_id": states[0].device_id}
    for state in states:
        path = f"states.{_slot(state.rule_id, state.metric)}"
        where[f"{path}.revision"] = state.revision if state.revision else {"$exists": False}
        fields[path] = _dump(state)
    return UpdateOne(
        where,
        {"$set": fields, "$inc": {"revision": 1}},
        upsert=all(s.revision == 0 for s in states),
    )


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
