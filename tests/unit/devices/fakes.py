"""In-memory fakes of the device ports: honest about org scoping, unique keys and conditions."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from iotsphere.domain.devices.commands import Command, CommandState
from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.domain.devices.device_type import DeviceType
from iotsphere.domain.devices.messages import BrokerEndpoint
from iotsphere.domain.devices.search import DeviceSearch
from iotsphere.domain.devices.shadow import Shadow, ShadowRevision, Side
from iotsphere.services.devices.errors import AlreadyExistsError
from iotsphere.services.devices.ports import AllowedSerial, DevicePorts
from iotsphere.services.errors import StoreUnavailableError


class FakeDevices:
    def __init__(self) -> None:
        self.rows: dict[str, Device] = {}

    def add(self, devices: Sequence[Device]) -> None:
        names = {(d.org_id, d.name) for d in self.rows.values()}
        for device in devices:
            if device.id in self.rows or (device.org_id, device.name) in names:
                raise AlreadyExistsError(f"device {device.id} / {device.name}")
            names.add((device.org_id, device.name))
        self.rows.update({d.id: d for d in devices})

    def get(self, org_id: str, device_id: str) -> Device | None:
        device = self.rows.get(device_id)
        return device if device is not None and device.org_id == org_id else None

    def get_many(self, org_id: str, device_ids: Sequence[str]) -> list[Device]:
        found = (self.rows.get(device_id) for device_id in dict.fromkeys(device_ids))
        return [d for d in found if d is not None and d.org_id == org_id]

    def locate(self, device_id: str) -> Device | None:
        return self.rows.get(device_id)

    def locate_many(self, device_ids: Sequence[str]) -> list[Device]:
        return [self.rows[d] for d in dict.fromkeys(device_ids) if d in self.rows]

    def save(self, device: Device) -> Device | None:
        stored = self.get(device.org_id, device.id)
        if stored is None or stored.revision != device.revision:
            return None
        saved = device.model_copy(update={"revision": device.revision + 1})
        self.rows[device.id] = saved
        return saved

    def search(
        self, org_id: str, search: DeviceSearch, after: tuple[Any, str] | None
    ) -> list[Device]:
        found = [d for d in self.rows.values() if d.org_id == org_id and search.matches(d)]
        found.sort(key=search.sort_key, reverse=search.descending)
        if after is not None:
            beyond = (lambda k: k < after) if search.descending else (lambda k: k > after)
            found = [d for d in found if beyond(search.sort_key(d))]
        return found[: search.limit]

    def names_taken(self, org_id: str, names: Sequence[str]) -> set[str]:
        return {d.name for d in self.rows.values() if d.org_id == org_id and d.name in names}

    def count_by_status(self, org_id: str) -> dict[DeviceStatus, int]:
        return dict(Counter(d.status for d in self.rows.values() if d.org_id == org_id))

    def count_never_seen(self, org_id: str) -> int:
        return sum(
            d.org_id == org_id and d.status is not DeviceStatus.DECOMMISSIONED and not d.first_seen
            for d in self.rows.values()
        )

    def remove(self, org_id: str, device_ids: Sequence[str]) -> None:
        for device_id in device_ids:
            if self.get(org_id, device_id) is not None:
                del self.rows[device_id]


class FakeTypes:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], DeviceType] = {}

    def add(self, device_type: DeviceType) -> None:
        key = (device_type.org_id, device_type.id)
        if key in self.rows:
            raise AlreadyExistsError(f"device type {device_type.id}")
        self.rows[key] = device_type

    def get(self, org_id: str, type_id: str) -> DeviceType | None:
        return self.rows.get((org_id, type_id))

    def replace(self, device_type: DeviceType) -> bool:
        key = (device_type.org_id, device_type.id)
        if key not in self.rows:
            return False
        self.rows[key] = device_type
        return True

    def list(self, org_id: str) -> list[DeviceType]:
        return [t for (org, _), t in sorted(self.rows.items()) if org == org_id]


class FakeShadows:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Shadow] = {}
        self.revisions: dict[tuple[str, str, str, int], ShadowRevision] = {}
        self.down = False

    def add(self, shadows: Sequence[Shadow]) -> None:
        if self.down:
            raise StoreUnavailableError("fake shadows are down")
        self.rows.update({(s.org_id, s.device_id): s for s in shadows})

    def get(self, org_id: str, device_id: str) -> Shadow | None:
        return self.rows.get((org_id, device_id))

    def save(self, shadow: Shadow, side: Side, expected_version: int) -> bool:
        stored = self.get(shadow.org_id, shadow.device_id)
        if stored is None or getattr(stored, f"{side}_version") != expected_version:
            return False
        fields = {f"{side}", f"{side}_version", f"{side}_at"}
        self.rows[(shadow.org_id, shadow.device_id)] = stored.model_copy(
            update={f: getattr(shadow, f) for f in fields}
        )
        return True

    def add_revision(self, revision: ShadowRevision) -> None:
        key = (revision.org_id, revision.device_id, revision.side, revision.version)
        self.revisions.setdefault(key, revision)

    def history(
        self, org_id: str, device_id: str, side: Side | None, limit: int
    ) -> list[ShadowRevision]:
        found = [
            r
            for (org, dev, s, _), r in self.revisions.items()
            if (org, dev) == (org_id, device_id) and side in (None, s)
        ]
        return sorted(found, key=lambda r: (r.at, r.version), reverse=True)[:limit]

    def remove(self, org_id: str, device_ids: Sequence[str]) -> None:
        for device_id in device_ids:
            self.rows.pop((org_id, device_id), None)


class FakeCommands:
    def __init__(self) -> None:
        self.rows: dict[str, Command] = {}

    def add(self, command: Command) -> None:
        if command.idempotency_key and self.get_by_key(command.org_id, command.idempotency_key):
            raise AlreadyExistsError(f"idempotency key {command.idempotency_key}")
        self.rows[command.id] = command

    def get(self, org_id: str, command_id: str) -> Command | None:
        command = self.rows.get(command_id)
        return command if command is not None and command.org_id == org_id else None

    def get_many(self, org_id: str, command_ids: Sequence[str]) -> list[Command]:
        found = (self.get(org_id, command_id) for command_id in dict.fromkeys(command_ids))
        return [c for c in found if c is not None]

    def get_by_key(self, org_id: str, idempotency_key: str) -> Command | None:
        return next(
            (
                c
                for c in self.rows.values()
                if (c.org_id, c.idempotency_key) == (org_id, idempotency_key)
            ),
            None,
        )

    def move(self, command: Command, expected: CommandState) -> bool:
        stored = self.get(command.org_id, command.id)
        if stored is None or stored.state is not expected:
            return False
        self.rows[command.id] = command
        return True

    def waiting(self, org_id: str, device_id: str) -> list[Command]:
        return sorted(
            (
                c
                for c in self.rows.values()
                if (c.org_id, c.device_id, c.state) == (org_id, device_id, CommandState.CREATED)
            ),
            key=lambda c: (c.created_at, c.id),
        )

    def overdue(self, now: datetime, limit: int) -> list[Command]:
        found = [c for c in self.rows.values() if not c.state.is_final and c.expires_at <= now]
        return found[:limit]

    def list(self, org_id: str, device_id: str, limit: int) -> list[Command]:
        found = [c for c in self.rows.values() if (c.org_id, c.device_id) == (org_id, device_id)]
        return sorted(found, key=lambda c: c.created_at, reverse=True)[:limit]


class FakeClaims:
    def __init__(self) -> None:
        self.rows: dict[str, AllowedSerial] = {}

    def allow(self, entries: Sequence[AllowedSerial]) -> None:
        if any(e.serial in self.rows for e in entries):
            raise AlreadyExistsError("serial")
        self.rows.update({e.serial: e for e in entries})

    def get(self, serial: str) -> AllowedSerial | None:
        return self.rows.get(serial)

    def claim(self, serial: str, device_id: str, claim_key: str, at: datetime) -> bool:
        entry = self.rows.get(serial)
        if entry is None or entry.device_id is not None:
            return False
        bound = {"device_id": device_id, "claim_key": claim_key, "claimed_at": at}
        self.rows[serial] = entry.model_copy(update=bound)
        return True

    def release(self, serial: str, device_id: str) -> None:
        entry = self.rows.get(serial)
        if entry is not None and entry.device_id == device_id:
            unbound = {"device_id": None, "claim_key": None, "claimed_at": None}
            self.rows[serial] = entry.model_copy(update=unbound)


class FakeBroker:
    def __init__(self) -> None:
        self.identities: dict[str, str] = {}
        self.fail_on: str | None = None  # a device id whose add fails

    def add(self, device_id: str, password: str) -> None:
        if device_id == self.fail_on:
            raise StoreUnavailableError("fake broker refused")
        self.identities[device_id] = password

    def remove(self, device_id: str) -> None:
        self.identities.pop(device_id, None)


class FakeChannel:
    def __init__(self) -> None:
        self.published: list[tuple[str, str, bool]] = []
        self.down = False

    def publish(self, topic: str, payload: str, *, retain: bool = False) -> None:
        if self.down:
            raise StoreUnavailableError("fake broker is down")
        self.published.append((topic, payload, retain))

    def on(self, topic: str) -> list[str]:
        return [payload for t, payload, _ in self.published if t == topic]


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def fake_ports() -> DevicePorts:
    counter = itertools.count(1)
    return DevicePorts(
        devices=FakeDevices(),
        types=FakeTypes(),
        shadows=FakeShadows(),
        commands=FakeCommands(),
        claims=FakeClaims(),
        broker=FakeBroker(),
        channel=FakeChannel(),
        clock=FakeClock(),
        new_id=lambda: f"{next(counter):020d}",
        endpoint=BrokerEndpoint(host="broker.example", port=8883, tls=True),
        firmware_public_key="ed25519-public-key",
    )
