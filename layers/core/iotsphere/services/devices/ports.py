"""What the device services need from storage and the broker. Every read and write names the
organization, except ``locate`` and the claim allowlist, which serve messages the broker has
already authenticated (the topic names the device or serial, not an organization)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.devices.commands import Command, CommandState
from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.domain.devices.device_type import DeviceType
from iotsphere.domain.devices.messages import BrokerEndpoint
from iotsphere.domain.devices.search import DeviceSearch
from iotsphere.domain.devices.shadow import Shadow, ShadowRevision, Side


class DeviceRepository(Protocol):
    def add(self, devices: Sequence[Device]) -> None:
        """Insert all; raise ``AlreadyExistsError`` (inserting none) if an id or a name in the
        organization is taken."""

    def get(self, org_id: str, device_id: str) -> Device | None: ...

    def get_many(self, org_id: str, device_ids: Sequence[str]) -> list[Device]:
        """The organization's devices among ``device_ids``, each once, in no given order, in one
        read; ids of no device of the organization are left out."""

    def locate(self, device_id: str) -> Device | None:
        """A device by id alone: only for messages on a topic the broker authenticated."""

    def locate_many(self, device_ids: Sequence[str]) -> list[Device]:
        """``locate`` for many ids in one read; ids of no device are left out."""

    def save(self, device: Device) -> Device | None:
        """Store ``device`` if its ``revision`` is still the stored one; return it with the
        revision raised, or None when someone saved in between."""

    def search(
        self, org_id: str, search: DeviceSearch, after: tuple[Any, str] | None
    ) -> list[Device]:
        """Up to ``search.limit`` matches sorted by ``search.sort_key``, after the given key."""

    def names_taken(self, org_id: str, names: Sequence[str]) -> set[str]: ...

    def count_by_status(self, org_id: str) -> dict[DeviceStatus, int]:
        """How many devices of the organization are in each status; absent statuses have none."""

    def count_never_seen(self, org_id: str) -> int:
        """Devices of the organization, decommissioned ones aside, without a ``first_seen``."""

    def remove(self, org_id: str, device_ids: Sequence[str]) -> None: ...


class DeviceTypeRepository(Protocol):
    def add(self, device_type: DeviceType) -> None:
        """Raise ``AlreadyExistsError`` if the organization has a type of that id."""

    def get(self, org_id: str, type_id: str) -> DeviceType | None: ...

    def replace(self, device_type: DeviceType) -> bool:
        """Store a changed type in place of the stored one; False if there is none."""

    def list(self, org_id: str) -> list[DeviceType]: ...


class ShadowRepository(Protocol):
    def add(self, shadows: Sequence[Shadow]) -> None: ...

    def get(self, org_id: str, device_id: str) -> Shadow | None: ...

    def save(self, shadow: Shadow, side: Side, expected_version: int) -> bool:
        """Store ``shadow``'s ``side`` if that side's stored version is ``expected_version``."""

    def add_revision(self, revision: ShadowRevision) -> None:
        """Keep a revision; the same (device, side, version) twice keeps one."""

    def history(
        self, org_id: str, device_id: str, side: Side | None, limit: int
    ) -> list[ShadowRevision]:
        """Newest first."""

    def remove(self, org_id: str, device_ids: Sequence[str]) -> None: ...


class CommandRepository(Protocol):
    def add(self, command: Command) -> None:
        """Raise ``AlreadyExistsError`` if the organization used the idempotency key before."""

    def get(self, org_id: str, command_id: str) -> Command | None: ...

    def get_many(self, org_id: str, command_ids: Sequence[str]) -> list[Command]:
        """The organization's commands among ``command_ids``, in any order, each once."""

    def get_by_key(self, org_id: str, idempotency_key: str) -> Command | None: ...

    def move(self, command: Command, expected: CommandState) -> bool:
        """Store ``command`` if its stored state is still ``expected``."""

    def waiting(self, org_id: str, device_id: str) -> list[Command]:
        """Commands in CREATED, oldest first."""

    def overdue(self, now: datetime, limit: int) -> list[Command]:
        """Commands not in a final state whose TTL has passed, any organization."""

    def list(self, org_id: str, device_id: str, limit: int) -> list[Command]:
        """Newest first."""


class AllowedSerial(BaseModel):
    """A serial a factory-flashed device may claim an identity for, once."""

    model_config = ConfigDict(frozen=True)

    serial: str
    org_id: str
    device_type: str
    device_id: str | None = None
    claim_key: str | None = None  # the X25519 key of the claim that won
    claimed_at: datetime | None = None


class ClaimRepository(Protocol):
    def allow(self, entries: Sequence[AllowedSerial]) -> None:
        """Add serials; raise ``AlreadyExistsError`` (adding none) if one is on any list."""

    def get(self, serial: str) -> AllowedSerial | None: ...

    def claim(self, serial: str, device_id: str, claim_key: str, at: datetime) -> bool:
        """Bind ``serial`` to ``device_id`` and the claim's key unless it is bound already."""

    def release(self, serial: str, device_id: str) -> None:
        """Unbind ``serial`` if it is bound to ``device_id``."""


class BrokerIdentities(Protocol):
    def add(self, device_id: str, password: str) -> None:
        """Let ``device_id`` connect with ``password`` (client id = username = device id) and
        reach only its own ``devices/<id>/...`` topics."""

    def remove(self, device_id: str) -> None:
        """Refuse new connections of ``device_id`` and drop its live one. Removing an absent
        identity is not an error."""


class DeviceChannel(Protocol):
    def publish(self, topic: str, payload: str, *, retain: bool = False) -> None:
        """Publish at QoS 1; raise ``StoreUnavailableError`` when the broker did not take it."""


@dataclass(frozen=True)
class DevicePorts:
    devices: DeviceRepository
    types: DeviceTypeRepository
    shadows: ShadowRepository
    commands: CommandRepository
    claims: ClaimRepository
    broker: BrokerIdentities
    channel: DeviceChannel
    clock: Callable[[], datetime]
    new_id: Callable[[], str]  # 20 lowercase letters or digits, random
    endpoint: BrokerEndpoint
    firmware_public_key: str | None = None
