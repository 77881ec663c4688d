"""Commands in MongoDB: collection ``device_commands``, ``_id`` = command id.

An idempotency key is stored as ``idempotency_scope`` = ``<org id>:<key>`` only when given, under a
sparse unique index: one command per key and organization, enforced by the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection

from iotsphere.adapters.mongo_devices_errors import mongo_errors
from iotsphere.adapters.mongo_id_reads import find_by_ids
from iotsphere.domain.devices.commands import Command, CommandState

COLLECTION = "device_commands"
INDEXES: list[tuple[list[tuple[str, int]], dict[str, Any]]] = [
    ([("idempotency_scope", ASCENDING)], {"unique": True, "sparse": True}),
    (
        [
            ("org_id", ASCENDING),
            ("device_id", ASCENDING),
            ("state", ASCENDING),
            ("created_at", ASCENDING),
        ],
        {},
    ),
    ([("state", ASCENDING), ("expires_at", ASCENDING)], {}),
]
OPEN_STATES = [str(s) for s in CommandState if not s.is_final]


def _to_document(command: Command) -> dict[str, Any]:
    document = command.model_dump(exclude={"id"})
    document.update(_id=command.id, state=str(command.state), expires_at=command.expires_at)
    if command.idempotency_key is not None:
        document["idempotency_scope"] = f"{command.org_id}:{command.idempotency_key}"
    return document


def _from_document(document: dict[str, Any]) -> Command:
    for field in ("expires_at", "idempotency_scope"):
        document.pop(field, None)
    return Command.model_validate({**document, "id": document.pop("_id")})


class MongoCommandRepository:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def add(self, command: Command) -> None:
        with mongo_errors(f"idempotency key {command.idempotency_key!r}"):
            self._collection.insert_one(_to_document(command))

    def get(self, org_id: str, command_id: str) -> Command | None:
        return self._find_one({"_id": command_id, "org_id": org_id})

    def get_many(self, org_id: str, command_ids: Sequence[str]) -> list[Command]:
        if not command_ids:
            return []
        with mongo_errors("commands"):
            found = find_by_ids(self._collection, command_ids, {"org_id": org_id})
            return [_from_document(d) for d in found]

    def get_by_key(self, org_id: str, idempotency_key: str) -> Command | None:
        return self._find_one({"idempotency_scope": f"{org_id}:{idempotency_key}"})

    def move(self, command: Command, expected: CommandState) -> bool:
        where = {"_id": command.id, "org_id": command.org_id, "state": str(expected)}
        change = {
            "$set": {
                "state": str(command.state),
                "updated_at": command.updated_at,
                "result": command.result,
                "detail": command.detail,
            }
        }
        with mongo_errors("commands"):
            return self._collection.update_one(where, change).matched_count == 1

    def waiting(self, org_id: str, device_id: str) -> list[Command]:
        where = {"org_id": org_id, "device_id": device_id, "state": str(CommandState.CREATED)}
        return self._find(where, [("created_at", ASCENDING), ("_id", ASCENDING)], 1000)

    def overdue(self, now: datetime, limit: int) -> list[Command]:
        where = {"state": {"$in": OPEN_STATES}, "expires_at": {"$lte": now}}
        return self._find(where, [("expires_at", ASCENDING)], limit)

    def _find_one(self, where: dict[str, Any]) -> Command | None:
        with mongo_errors("commands"):
            document = self._collection.find_one(where)
        return None if document is None else _from_document(document)

    def _find(
        self, where: dict[str, Any], order: list[tuple[str, int]], limit: int
    ) -> list[Command]:
        with mongo_errors("commands"):
            cursor = self._collection.find(where).sort(order).limit(limit)
            return [_from_document(d) for d in cursor]

    def list(self, org_id: str, device_id: str, limit: int) -> list[Command]:
        where = {"org_id": org_id, "device_id": device_id}
        return self._find(where, [("created_at", DESCENDING), ("_id", DESCENDING)], limit)
