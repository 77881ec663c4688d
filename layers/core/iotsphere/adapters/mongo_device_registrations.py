"""``DeviceRegistrations`` over the registry's ``devices`` collection: an organization's devices
by when they were registered, for the missing-data rules that watch devices which never reported
(``services/alerting/silent_devices``).

It asks for ``org_id`` and a ``created_at`` range alone, which the MongoDB-wire server answers
from the registry's (``org_id``, ``created_at``, ``_id``) index, and leaves decommissioned
devices out itself: the registry's own search adds a status condition and a keyset ``$or`` that
make the server scan the organization instead. Measured on secantusd-py with 4,000 devices, for
the sweep's minute (nothing registered lately): 1 ms of server CPU against 123 ms through the
search, 42 ms with the status condition alone."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import from_ms, to_ms
from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.services.alerting.ports import Registration
from iotsphere.services.errors import StoreUnavailableError

_FIELDS = {"org_id": 1, "device_type": 1, "groups": 1, "tags": 1, "status": 1, "created_at": 1}


class MongoDeviceRegistrations:
    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self._collection = collection

    def registered(self, org_id: str, since_ms: int | None) -> list[Registration]:
        where: dict[str, Any] = {"org_id": org_id}
        if since_ms is not None:
            where["created_at"] = {"$gte": from_ms(since_ms)}
        order = [("created_at", ASCENDING), ("_id", ASCENDING)]
        try:
            documents = list(self._collection.find(where, _FIELDS).sort(order))
        except PyMongoError as exc:
            raise StoreUnavailableError(f"MongoDB device read failed: {exc}") from exc
        return [
            Registration(_profile(document), to_ms(document["created_at"]))
            for document in documents
            if document.get("status") != DeviceStatus.DECOMMISSIONED.value
        ]


def _profile(document: dict[str, Any]) -> DeviceProfile:
    return DeviceProfile(
        device_id=document["_id"],
        org_id=document["org_id"],
        device_type=document.get("device_type"),
        groups=frozenset(document.get("groups", [])),
        tags=frozenset(document.get("tags", [])),
    )
