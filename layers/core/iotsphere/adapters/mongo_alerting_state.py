"""Evaluator states and alarms in MongoDB: collections ``alert_device_states`` and ``alarms``.

Both are saved by revision (``mongo_alerting_revisions``), so SQS redelivery or two concurrent
evaluations never apply one change twice; ids are digests of what identifies them, so the same
rule, device and metric always land on the same document.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Collection as Ids
from dataclasses import replace
from functools import lru_cache
from typing import Any

from pymongo import ASCENDING, DESCENDING, DeleteOne
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from iotsphere.adapters.mongo_alerting_revisions import save_revisions
from iotsphere.adapters.mongo_alerting_state_cache import StoredDevice, StoredDevices, Written
from iotsphere.adapters.mongo_id_reads import find_by_ids
from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.alerting.evaluator_state import EvaluatorState
from iotsphere.domain.alerting.sweep_due import DUE_AT_ONCE
from iotsphere.domain.alerting.transitions import AlarmStatus
from iotsphere.domain.digests import digest
from iotsphere.services.alerting.errors import ConcurrentUpdateError, NotFoundError
from iotsphere.services.alerting.ports import STATE_DEFERRAL_S, LoadedStates, StateKey
from iotsphere.services.errors import StoreUnavailableError

STATES = "alert_device_states"  # one document per device (``alert_states`` held one per rule)
DUE = "due_ms"  # of a device document: the earliest due time of its states (None: none is due)
ALARMS = "alarms"
CHECKPOINT_S = STATE_DEFERRAL_S  # the longest a kept device document may be ahead of the stored one
NAMED_BY_DEVICE = {"_id": {"$regex": "/"}}  # not the documents named by a digest, before 2026-11-27
OUTBOX_PENDING = (
    "outbox_pending"  # of an alarm: True while its outbox holds transitions, else absent
)
OUTBOX_INDEX = "outbox_pending_1"  # the sparse index of earlier versions


def _fields(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("_id", OUTBOX_PENDING)}


def _read(action: str, exc: PyMongoError) -> StoreUnavailableError:
    return StoreUnavailableError(f"MongoDB {action} failed: {exc}")


class MongoEvaluatorStateStore:
    """One document per organization and device, holding the states of every rule and metric
    that watches it (``states.<digest of rule and metric>``, each state as JSON text, which costs
    the MongoDB-wire server half of what nested fields do): a batch of readings costs one
    document per device to write, not one per rule.

    Every write adds one to the document's ``revision`` and replaces the whole document, filtered
    on the revision it started from. The documents this store read or wrote are kept
    (``StoredDevices``), so a warm worker reads nothing in steady state. A kept document another
    writer has since saved makes the save miss: ``ConcurrentUpdateError``, the kept documents of
    that save are dropped, and the caller's next load reads them again. Each state keeps its own
    revision too, and a state older than the kept one fails its save the same way.

    **Deferred writes.** A document is written at once when it is new, when any state's
    ``decision`` changed, or when the sweep would need its new due time before the next write:
    the stored copy has no due time and the new one has, the new one is earlier, or the stored one
    comes within ``checkpoint_s`` of now. Otherwise only the kept copy changes, and the document is
    written at the next save between half of ``checkpoint_s`` and all of it after its last write
    (the fraction is the document's own, from its id, so a fleet that started together does not
    come due in one batch). The MongoDB-wire server's cost is per document written, and a
    streaming device's windows change with every reading while its alarm decision rarely does;
    a heartbeat rule or the default ``lateness_s`` gives nearly every such device a due time
    minutes or a minute ahead, which is why a due time alone does not force a write. What a
    restart, an eviction or a lost save leaves behind is at most ``checkpoint_s`` of windows and
    watermark: ``load`` names such documents' states ``restored``, and the evaluator takes the
    readings they miss again from history; the sweep, which reads the stored copy of a document
    whose device went quiet before its next write, does the same (``sweep_catch_up``).
    """

    def __init__(
        self,
        collection: Collection[dict[str, Any]],
        kept: StoredDevices | None = None,
        checkpoint_s: float = CHECKPOINT_S,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._collection = collection
        self._kept = StoredDevices() if kept is None else kept
        self._checkpoint_s = checkpoint_s
        self._clock = clock
        self._wall = wall
        self._marked: set[str] = set()  # read marked by ``due_across_orgs``, not written since

    def ensure_indexes(self) -> None:
        """None beside ``_id``: on the MongoDB-wire server an index on ``due_ms`` made every
        replace half as costly again (0.8 to 1.25 ms), about 25 s of its CPU a minute at 1,000
        device saves a second, while the sweep's one scan for due documents costs it 0.3 s a
        minute at 16,000 devices. The ``org_id`` index of earlier versions is dropped."""
        if "org_id_1" in self._collection.index_information():
            self._collection.drop_index("org_id_1")

    def load(self, keys: Ids[StateKey]) -> LoadedStates:
        read: set[str] = set()
        devices = self._devices(
            {_device_doc(org_id, device_id) for org_id, _, device_id, _ in keys}, read
        )
        found: dict[StateKey, EvaluatorState] = {}
        restored: set[StateKey] = set()
        for key in keys:
            org_id, rule_id, device_id, metric = key
            doc_id = _device_doc(org_id, device_id)
            state = devices[doc_id].states.get(_slot(rule_id, metric))
            if state is not None:
                found[key] = state
                if doc_id in read:
                    restored.add(key)
        return LoadedStates(found, frozenset(restored))

    def reload(self, keys: Ids[StateKey]) -> LoadedStates:
        self._kept.drop({_device_doc(org_id, device_id) for org_id, _, device_id, _ in keys})
        return self.load(keys)

    def save(self, states: Sequence[EvaluatorState]) -> None:
        by_device = _by_device(states)
        if not by_device:
            return
        devices = self._devices(set(by_device))
        now = self._clock()
        saved: dict[str, StoredDevice] = {}
        documents: list[tuple[str, int, dict[str, Any]]] = []
        for doc_id, group in by_device.items():
            stored = devices[doc_id]
            if any(_revision(stored, state) != state.revision for state in group):
                self._kept.drop(by_device)
                raise ConcurrentUpdateError("alert states: a state older than the stored one")
            new = stored.states | {
                _slot(s.rule_id, s.metric): s.model_copy(update={"revision": s.revision + 1})
                for s in group
            }
            due = _due(new)
            written = Written(at=now, decisions=_decisions(new), due_ms=due)
            if self._defer(doc_id, stored.written, written):
                saved[doc_id] = replace(stored, states=new)
                continue
            saved[doc_id] = StoredDevice(revision=stored.revision + 1, states=new, written=written)
            documents.append((doc_id, stored.revision, _fields_of(group[0], new, due)))
        self._write(documents)
        self._marked.difference_update(doc_id for doc_id, _, _ in documents)
        for doc_id, device in saved.items():
            self._kept.put(doc_id, device)

    def remove(self, states: Sequence[EvaluatorState]) -> None:
        """Each document replaced without the states, or deleted when none is left, by its
        revision as ``save`` writes. A document this store read as marked (``due_across_orgs``)
        and has not written since keeps ``due_ms`` at ``DUE_AT_ONCE``: the sweep removes the
        states of a deleted rule also from a device it leaves marked for later."""
        by_device = _by_device(states)
        if not by_device:
            return
        devices = self._devices(set(by_device))
        now = self._clock()
        replaced: list[tuple[str, int, dict[str, Any]]] = []
        deleted: list[tuple[str, int]] = []
        kept: dict[str, StoredDevice] = {}
        for doc_id, group in by_device.items():
            stored = devices[doc_id]
            gone = {_slot(s.rule_id, s.metric): s for s in group}
            present = {slot: s for slot, s in gone.items() if slot in stored.states}
            if any(stored.states[slot].revision != s.revision for slot, s in present.items()):
                self._kept.drop(by_device)
                raise ConcurrentUpdateError("alert states: a state older than the stored one")
            if not present:
                continue
            left = {slot: s for slot, s in stored.states.items() if slot not in present}
            if not left:
                deleted.append((doc_id, stored.revision))
                continue
            due = DUE_AT_ONCE if doc_id in self._marked else _due(left)
            written = Written(at=now, decisions=_decisions(left), due_ms=due)
            kept[doc_id] = StoredDevice(revision=stored.revision + 1, states=left, written=written)
            replaced.append((doc_id, stored.revision, _fields_of(group[0], left, due)))
        self._write(replaced)
        self._delete(deleted)
        for doc_id, device in kept.items():
            self._kept.put(doc_id, device)

    def _defer(self, doc_id: str, stored: Written | None, new: Written) -> bool:
        """Whether the kept copy alone may change (the class docstring says when)."""
        return (
            stored is not None
            and stored.decisions == new.decisions
            and new.at - stored.at < self._checkpoint_s * _spread(doc_id)
            and self._sweep_waits(stored.due_ms, new.due_ms)
        )

    def _sweep_waits(self, stored_due: int | None, new_due: int | None) -> bool:
        """Whether the sweep can do without the new due time until the next write: it reads the
        stored copy at its due time, so that must be later than the longest deferral from now,
        and no earlier than the new one."""
        if stored_due is None:
            return new_due is None
        far = stored_due > self._wall() * 1000 + self._checkpoint_s * 1000
        return far and (new_due is None or new_due >= stored_due)

    def due_across_orgs(self, now_ms: int) -> list[EvaluatorState]:
        """The due states of the documents due by ``now_ms``, or saved before due times existed
        (no ``due_ms``: their states read as due at once; documents named by a digest, older
        still, are not: their ids have no "/"). One query for every organization: the server
        scans its documents once either way (an ``_id`` range is no index lookup on it), and
        decodes, sends and parses only the due ones, not every device. Every state of a document
        marked by ``mark_org_due`` reads as due at ``DUE_AT_ONCE``, whatever its own due time.

        What is read is kept like every other read: the sweep runs in its own process, never
        the evaluator's, and it saves each of these documents next (every due state gets a later
        due time), a save that needs the revision read here."""
        before_due_times = {DUE: {"$exists": False}, **NAMED_BY_DEVICE}
        due = {"$or": [{DUE: {"$lte": now_ms}}, before_due_times]}
        marked: set[str] = set()

        def documents() -> Iterable[dict[str, Any]]:
            for document in self._collection.find(due):
                if document.get(DUE, DUE_AT_ONCE) == DUE_AT_ONCE:
                    marked.add(document["_id"])
                yield document

        found = self._found(documents)
        self._marked = marked
        return [
            state.model_copy(update={"due_ms": DUE_AT_ONCE}) if doc_id in marked else state
            for doc_id, device in found.items()
            for state in device.states.values()
            if doc_id in marked or (state.due_ms is not None and state.due_ms <= now_ms)
        ]

    def mark_org_due(self, org_id: str) -> None:
        """One ``update_many`` setting the organization's documents' ``due_ms`` to
        ``DUE_AT_ONCE``; their states keep their own due times, so the mark ends with the next
        write of the document (``save`` writes the earliest of its states'). On the MongoDB-wire
        server this is one scan of the collection (no index: see ``ensure_indexes``) plus one
        ``$set`` of one field per document not marked yet: a second change within the minute
        writes nothing, and no document is read back or replaced whole.

        The revision is left as it is: raising it would make every kept copy of the
        organization's streaming devices miss its next save in the evaluator, a reload of the
        whole organization for a change the evaluator applies anyway within its rule cache's
        TTL. A save made from a copy read before the mark (the evaluator's, or a sweep under
        way) therefore ends the mark with its own due time; for a device the evaluator is
        still hearing that is the due time under the new rule within seconds."""
        try:
            self._collection.update_many(
                {"org_id": org_id, DUE: {"$ne": DUE_AT_ONCE}, **NAMED_BY_DEVICE},
                {"$set": {DUE: DUE_AT_ONCE}},
            )
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB alert state write failed: {exc}") from exc

    def _delete(self, documents: list[tuple[str, int]]) -> None:
        """Delete each document if its revision is still the one read; any miss is
        ``ConcurrentUpdateError`` (the others are deleted). Their kept copies go either way."""
        if not documents:
            return
        self._kept.drop(doc_id for doc_id, _ in documents)
        self._marked.difference_update(doc_id for doc_id, _ in documents)
        deletes = [DeleteOne({"_id": doc_id, "revision": rev}) for doc_id, rev in documents]
        try:
            result = self._collection.bulk_write(deletes, ordered=False)
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB alert state delete failed: {exc}") from exc
        if result.deleted_count < len(documents):
            raise ConcurrentUpdateError("alert states: saved by someone else")

    def _devices(self, doc_ids: set[str], read: set[str] | None = None) -> dict[str, StoredDevice]:
        """The kept documents, and the others read from the store (revision 0: none stored);
        ``read`` gets the ids of those found there."""
        devices: dict[str, StoredDevice] = {}
        for doc_id in doc_ids:
            kept = self._kept.get(doc_id)
            if kept is not None:
                devices[doc_id] = kept
        missing = doc_ids - devices.keys()
        if missing:
            found = self._found(lambda: find_by_ids(self._collection, sorted(missing)))
            devices |= found
            if read is not None:
                read.update(found)
            for doc_id in missing - devices.keys():
                devices[doc_id] = StoredDevice(revision=0, states={})
                self._kept.put(doc_id, devices[doc_id])
        return devices

    def _find(self, where: dict[str, Any]) -> dict[str, StoredDevice]:
        return self._found(lambda: self._collection.find(where))

    def _found(self, documents: Callable[[], Iterable[dict[str, Any]]]) -> dict[str, StoredDevice]:
        try:
            listed = list(documents())
        except PyMongoError as exc:
            raise _read("alert state read", exc) from exc
        now = self._clock()
        found: dict[str, StoredDevice] = {}
        for doc in listed:
            states = {
                slot: EvaluatorState.model_validate_json(saved)
                for slot, saved in doc["states"].items()
            }
            written = Written(at=now, decisions=_decisions(states), due_ms=doc.get(DUE))
            found[doc["_id"]] = StoredDevice(doc["revision"], states, written)
            self._kept.put(doc["_id"], found[doc["_id"]])
        return found

    def _write(self, documents: list[tuple[str, int, dict[str, Any]]]) -> None:
        """One bulk write; any miss forgets every kept document of it (some may be saved, some
        not: the next load reads what is stored)."""
        try:
            save_revisions(self._collection, documents)
        except (ConcurrentUpdateError, StoreUnavailableError):
            self._kept.drop(doc_id for doc_id, _, _ in documents)
            raise


def _by_device(states: Sequence[EvaluatorState]) -> dict[str, list[EvaluatorState]]:
    """The states by the id of their device's document."""
    by_device: dict[str, list[EvaluatorState]] = {}
    for state in states:
        by_device.setdefault(_device_doc(state.org_id, state.device_id), []).append(state)
    return by_device


def _device_doc(org_id: str, device_id: str) -> str:
    """The organization first, so its documents are one range of ids (documents named by a
    digest of both before 2026-11-27 are not read again: their devices start afresh)."""
    return f"{org_id}/{device_id}"


@lru_cache(maxsize=100_000)  # a few names, asked for several times per state and batch
def _slot(rule_id: str, metric: str) -> str:
    return digest(rule_id, metric)


@lru_cache(maxsize=100_000)
def _spread(doc_id: str) -> float:
    """The document's own fraction of the checkpoint interval, between 0.5 and 1."""
    return 0.5 + int(digest(doc_id)[:4], 16) / 0x1FFFF


def _decisions(states: dict[str, EvaluatorState]) -> tuple[object, ...]:
    return tuple(sorted((slot, state.decision) for slot, state in states.items()))


def _revision(device: StoredDevice, state: EvaluatorState) -> int:
    stored = device.states.get(_slot(state.rule_id, state.metric))
    return 0 if stored is None else stored.revision


def _due(states: dict[str, EvaluatorState]) -> int | None:
    return min((s.due_ms for s in states.values() if s.due_ms is not None), default=None)


def _fields_of(
    first: EvaluatorState, states: dict[str, EvaluatorState], due: int | None
) -> dict[str, Any]:
    return {
        "org_id": first.org_id,
        "device_id": first.device_id,
        "states": {slot: state.model_dump_json() for slot, state in states.items()},
        DUE: due,
    }


class MongoAlarmStore:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def ensure_indexes(self) -> None:
        """The organization's lists only. The outbox sweep's flag ``outbox_pending`` has none:
        a sparse index on it cost the MongoDB-wire server 0.3 ms more per alarm save (a third;
        an alarm is saved at every reading in breach) to spare a query once a minute a scan; an
        index of earlier versions is dropped. Alarms saved with an outbox before the flag
        existed get it here."""
        self._collection.create_index([("org_id", ASCENDING), ("status", ASCENDING)])
        self._collection.create_index([("org_id", ASCENDING), ("last_at", DESCENDING)])
        if OUTBOX_INDEX in self._collection.index_information():
            self._collection.drop_index(OUTBOX_INDEX)
        try:
            self._collection.update_many(
                {"outbox.0": {"$exists": True}, OUTBOX_PENDING: {"$exists": False}},
                {"$set": {OUTBOX_PENDING: True}},
            )
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB alarm outbox backfill failed: {exc}") from exc

    def load(self, org_id: str, alarm_ids: Ids[str]) -> dict[str, Alarm]:
        if not alarm_ids:
            return {}
        found = self._alarms(lambda: find_by_ids(self._collection, alarm_ids, {"org_id": org_id}))
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
            [(alarm.id, alarm.revision, _alarm_fields(alarm)) for alarm in alarms],
        )

    def save_repeats(self, alarms: Sequence[Alarm]) -> None:
        """At once: the evaluator's holding is ``RepeatHoldingAlarms``, over this store."""
        self.save(alarms)

    def open_or_flapping(self, org_id: str) -> list[Alarm]:
        where = {
            "org_id": org_id,
            "$or": [{"status": {"$ne": str(AlarmStatus.CLEARED)}}, {"flapping": True}],
        }
        return self._find(where, limit=0)

    def with_outbox(self, limit: int) -> list[Alarm]:
        """Across organizations, for the outbox sweep only (``PendingActions``): alarms whose
        outbox holds transitions of people's actions not yet sent (``outbox_pending``, unindexed:
        see ``ensure_indexes``)."""
        pending = {OUTBOX_PENDING: {"$exists": True}}
        return self._find(pending, limit=limit, latest_first=False)

    def orgs_with_open_alarms(self) -> list[str]:
        try:
            found = self._collection.distinct(
                "org_id", {"status": {"$ne": str(AlarmStatus.CLEARED)}}
            )
        except PyMongoError as exc:
            raise _read("alarm read", exc) from exc
        return sorted(found)

    def _find(self, where: dict[str, Any], limit: int, latest_first: bool = True) -> list[Alarm]:
        def documents() -> Iterable[dict[str, Any]]:
            cursor = self._collection.find(where).limit(limit)
            if latest_first:  # the server sorts in Python: only when the order is asked for
                cursor = cursor.sort("last_at", DESCENDING)
            return cursor

        return self._alarms(documents)

    @staticmethod
    def _alarms(documents: Callable[[], Iterable[dict[str, Any]]]) -> list[Alarm]:
        try:
            return [Alarm.model_validate({**_fields(doc), "id": doc["_id"]}) for doc in documents()]
        except PyMongoError as exc:
            raise _read("alarm read", exc) from exc


def _alarm_fields(alarm: Alarm) -> dict[str, Any]:
    """The alarm as stored, with ``outbox_pending`` only while its outbox holds transitions."""
    fields = alarm.model_dump(mode="json", exclude={"id", "revision"})
    if alarm.outbox:
        fields[OUTBOX_PENDING] = True
    return fields
