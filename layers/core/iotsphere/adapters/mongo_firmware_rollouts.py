"""Firmware rollouts in MongoDB: ``firmware_rollouts`` (one document per rollout, with a revision
for compare-and-set) and ``firmware_rollout_devices`` (one document per targeted device).

A device's state moves with a filter on the states it may move from, so a redelivered or late
report matches nothing and changes nothing. Every filter carries ``org_id``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from pymongo import ASCENDING, DESCENDING, InsertOne
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, PyMongoError

from iotsphere.domain.firmware.progress import DeviceProgress, ProgressState, may_move_from
from iotsphere.domain.firmware.refusals import RefusalCode
from iotsphere.domain.firmware.rollout import Rollout, RolloutState
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.firmware.errors import (
    RolloutConflictError,
    RolloutNotFoundError,
    RolloutStateError,
)

ROLLOUTS = "firmware_rollouts"
DEVICES = "firmware_rollout_devices"
INDEXES: list[tuple[str, list[tuple[str, int]], bool]] = [
    (ROLLOUTS, [("org_id", ASCENDING), ("created_at", DESCENDING)], False),
    (ROLLOUTS, [("state", ASCENDING)], False),
    (DEVICES, [("org_id", ASCENDING), ("rollout_id", ASCENDING), ("device_id", ASCENDING)], False),
    (DEVICES, [("org_id", ASCENDING), ("device_id", ASCENDING), ("state", ASCENDING)], False),
    (
        DEVICES,
        [
            ("org_id", ASCENDING),
            ("rollout_id", ASCENDING),
            ("wave", ASCENDING),
            ("state", ASCENDING),
        ],
        False,
    ),
]
BATCH = 1000


def _device_key(rollout_id: str, device_id: str) -> str:
    return f"{rollout_id}\x00{device_id}"


def _rollout(document: dict[str, Any]) -> Rollout:
    return Rollout.model_validate({**document, "rollout_id": document.pop("_id")})


def _rollout_document(rollout: Rollout) -> dict[str, Any]:
    document = rollout.model_dump(mode="json", exclude={"rollout_id"})
    for name in ("wave_started_at", "created_at", "updated_at"):
        document[name] = getattr(rollout, name)
    document["_id"] = rollout.rollout_id
    return document


class MongoRolloutStore:
    def __init__(
        self, rollouts: Collection[dict[str, Any]], devices: Collection[dict[str, Any]]
    ) -> None:
        self._rollouts = rollouts
        self._devices = devices

    def create(self, rollout: Rollout, devices: Sequence[DeviceProgress]) -> None:
        """The rollout document first (its id is the lock), then the devices; a failure removes
        both."""
        operations = [
            InsertOne(
                {
                    **device.model_dump(mode="python"),
                    "_id": _device_key(device.rollout_id, device.device_id),
                }
            )
            for device in devices
        ]
        try:
            self._rollouts.insert_one(_rollout_document(rollout))
        except DuplicateKeyError as exc:
            raise RolloutConflictError(f"rollout {rollout.rollout_id} exists already") from exc
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB rollout write failed: {exc}") from exc
        try:
            for start in range(0, len(operations), BATCH):
                self._devices.bulk_write(operations[start : start + BATCH], ordered=False)
        except PyMongoError as exc:
            self._forget(rollout)
            raise StoreUnavailableError(f"MongoDB rollout write failed: {exc}") from exc

    def _forget(self, rollout: Rollout) -> None:
        """Leave nothing half-written behind a failed create (best effort)."""
        where = {"org_id": rollout.org_id, "rollout_id": rollout.rollout_id}
        with contextlib.suppress(PyMongoError):
            self._devices.delete_many(where)
            self._rollouts.delete_one({"_id": rollout.rollout_id, "org_id": rollout.org_id})

    def get(self, org_id: str, rollout_id: str) -> Rollout:
        found = self._read(lambda: self._rollouts.find_one({"_id": rollout_id, "org_id": org_id}))
        if found is None:
            raise RolloutNotFoundError(f"no rollout {rollout_id}")
        return _rollout(found)

    def save(self, rollout: Rollout, expected_revision: int) -> None:
        where = {"_id": rollout.rollout_id, "org_id": rollout.org_id, "revision": expected_revision}
        result = self._read(lambda: self._rollouts.replace_one(where, _rollout_document(rollout)))
        if result.matched_count == 0:
            self.get(rollout.org_id, rollout.rollout_id)
            raise RolloutStateError(f"rollout {rollout.rollout_id} changed meanwhile; try again")

    def find(
        self,
        org_id: str,
        state: RolloutState | None = None,
        release_id: str | None = None,
        limit: int = 100,
    ) -> list[Rollout]:
        where: dict[str, Any] = {"org_id": org_id}
        if state is not None:
            where["state"] = state.value
        if release_id is not None:
            where["release_id"] = str(release_id)
        return self._read(
            lambda: [
                _rollout(d)
                for d in self._rollouts.find(where).sort("created_at", DESCENDING).limit(limit)
            ]
        )

    def running(self, limit: int = 1000) -> list[Rollout]:
        """Running rollouts of every organization. A document this version cannot read is
        passed over, so one organization's bad record never stops everyone's rollouts."""
        where = {"state": RolloutState.RUNNING.value}
        documents = self._read(lambda: list(self._rollouts.find(where).limit(limit)))
        readable = []
        for document in documents:
            with contextlib.suppress(ValidationError):
                readable.append(_rollout(document))
        return readable

    def open_offers(self, org_id: str, device_id: str) -> list[str]:
        where = {
            "org_id": org_id,
            "device_id": device_id,
            "state": {"$in": [ProgressState.OFFERED.value, ProgressState.DOWNLOADING.value]},
        }
        found = self._read(lambda: list(self._devices.find(where, {"rollout_id": 1})))
        return sorted(str(document["rollout_id"]) for document in found)

    def pending_devices(self, org_id: str, rollout_id: str, wave: int, limit: int) -> list[str]:
        where = {
            "org_id": org_id,
            "rollout_id": rollout_id,
            "wave": wave,
            "state": ProgressState.PENDING.value,
        }
        return self._read(
            lambda: [
                str(d["device_id"])
                for d in self._devices.find(where, {"device_id": 1}).limit(limit)
            ]
        )

    def move(
        self,
        org_id: str,
        rollout_id: str,
        device_ids: Sequence[str],
        to: ProgressState,
        now: datetime,
        code: RefusalCode | None = None,
        detail: str | None = None,
    ) -> int:
        if not device_ids:
            return 0
        where = {
            "_id": {"$in": [_device_key(rollout_id, str(d)) for d in device_ids]},
            "org_id": org_id,
            "state": {"$in": sorted(s.value for s in may_move_from(to))},
        }
        change = {
            "$set": {
                "state": to.value,
                "code": None if code is None else code.value,
                "detail": detail,
                "updated_at": now,
            }
        }
        return self._read(lambda: self._devices.update_many(where, change).modified_count)

    def counts(self, org_id: str, rollout_id: str) -> dict[int, dict[ProgressState, int]]:
        pipeline: list[dict[str, Any]] = [
            {"$match": {"org_id": org_id, "rollout_id": rollout_id}},
            {"$group": {"_id": {"wave": "$wave", "state": "$state"}, "n": {"$sum": 1}}},
        ]
        counts: dict[int, dict[ProgressState, int]] = {}
        for row in self._read(lambda: list(self._devices.aggregate(pipeline))):
            wave = counts.setdefault(int(row["_id"]["wave"]), {})
            wave[ProgressState(row["_id"]["state"])] = int(row["n"])
        return counts

    def device(self, org_id: str, rollout_id: str, device_id: str) -> DeviceProgress:
        found = self._read(
            lambda: self._devices.find_one(
                {"_id": _device_key(rollout_id, device_id), "org_id": org_id}
            )
        )
        if found is None:
            raise RolloutNotFoundError(f"device {device_id} is not in rollout {rollout_id}")
        found.pop("_id")
        return DeviceProgress.model_validate(found)

    def devices(
        self,
        org_id: str,
        rollout_id: str,
        state: ProgressState | None,
        after: str | None,
        limit: int,
    ) -> list[DeviceProgress]:
        where: dict[str, Any] = {"org_id": org_id, "rollout_id": rollout_id}
        if state is not None:
            where["state"] = state.value
        if after is not None:
            where["device_id"] = {"$gt": str(after)}
        documents = self._read(
            lambda: list(self._devices.find(where).sort("device_id", ASCENDING).limit(limit))
        )
        return [DeviceProgress.model_validate(d) for d in documents]

    @staticmethod
    def _read[T](call: Callable[[], T]) -> T:
        try:
            return call()
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB rollout store failed: {exc}") from exc
