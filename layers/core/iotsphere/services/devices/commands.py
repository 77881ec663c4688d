"""Commands: created once per idempotency key, sent when the device is online, answered by it.

Sending publishes first and then moves CREATED -> SENT conditionally, so a crash in between sends a
command twice at worst, never loses it; the agent ignores a command id it has run. Every state
change is conditional on the state it was computed from: two workers never both move a command.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from iotsphere.domain.devices import topics
from iotsphere.domain.devices.commands import LEGAL_COMMAND_MOVES, Command, CommandState
from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.domain.devices.messages import (
    BulkCommand,
    CommandMessage,
    CommandOutcome,
    CommandResultMessage,
    NewCommand,
)
from iotsphere.services.devices.errors import (
    AlreadyExistsError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from iotsphere.services.devices.ports import DevicePorts
from iotsphere.services.devices.registry import get_device
from iotsphere.services.devices.targets import resolve_target

RESULT_STATES: dict[Literal["delivered", "rejected", "succeeded", "failed"], CommandState] = {
    "delivered": CommandState.DELIVERED,
    "rejected": CommandState.REJECTED,
    "succeeded": CommandState.SUCCEEDED,
    "failed": CommandState.FAILED,
}
SWEEP_BATCH = 500
MAX_LISTED = 200


def send_command(org_id: str, device_id: str, body: NewCommand, ports: DevicePorts) -> Command:
    """The command for ``body`` (the first one, if its idempotency key was used before)."""
    device = get_device(org_id, device_id, ports)
    if device.status is DeviceStatus.DECOMMISSIONED:
        raise InvalidInputError("device", f"{device_id} is decommissioned")
    now = ports.clock()
    command = Command(
        id=ports.new_id(),
        org_id=org_id,
        device_id=device_id,
        created_at=now,
        updated_at=now,
        **body.model_dump(exclude={"version"}),
    )
    if body.idempotency_key is not None:
        first = ports.commands.get_by_key(org_id, body.idempotency_key)
        if first is not None:
            return _same_or_conflict(first, command)
    try:
        ports.commands.add(command)
    except AlreadyExistsError:
        first = ports.commands.get_by_key(org_id, body.idempotency_key or "")
        if first is None:
            raise
        return _same_or_conflict(first, command)
    # read the status after storing: a birth handled meanwhile either saw this command waiting or
    # saved ONLINE before this read, so the command is never left waiting for a device that is up
    if get_device(org_id, device_id, ports).status is DeviceStatus.ONLINE:
        return dispatch(command, ports)
    return command


def _same_or_conflict(first: Command, asked: Command) -> Command:
    if not first.same_request(asked):
        raise ConflictError(
            f"idempotency key {asked.idempotency_key!r} was used for another command ({first.id})"
        )
    return first


def dispatch(command: Command, ports: DevicePorts) -> Command:
    """Send a CREATED command, or expire it if its TTL has passed."""
    now = ports.clock()
    if command.is_expired(now):
        return _move(command, CommandState.EXPIRED, now, ports, detail="TTL passed before sending")
    message = CommandMessage(
        command_id=command.id,
        name=command.name,
        parameters=command.parameters,
        expires_at=command.expires_at,
    )
    ports.channel.publish(topics.command(command.device_id, command.id), message.model_dump_json())
    return _move(command, CommandState.SENT, now, ports)


def dispatch_waiting(org_id: str, device_id: str, ports: DevicePorts) -> list[Command]:
    """Send (or expire) what waited for the device, oldest first: called when it comes online."""
    return [dispatch(command, ports) for command in ports.commands.waiting(org_id, device_id)]


def _move(
    command: Command,
    state: CommandState,
    at: datetime,
    ports: DevicePorts,
    *,
    result: dict[str, Any] | None = None,
    detail: str = "",
) -> Command:
    moved = command.move_to(state, at, result=result, detail=detail)
    if ports.commands.move(moved, command.state):
        return moved
    current = ports.commands.get(command.org_id, command.id)
    return current if current is not None else command


def record_result(
    device_id: str, message: CommandResultMessage, received_at: datetime, ports: DevicePorts
) -> Command | None:
    """Apply a device's answer; None if it is for no command of this device. A repeated or late
    answer (the command already moved past it) changes nothing."""
    device = ports.devices.locate(device_id)
    if device is None:
        return None
    command = ports.commands.get(device.org_id, message.command_id)
    if command is None or command.device_id != device_id:
        return None
    if command.state is CommandState.CREATED:  # answered before SENT was recorded
        command = _move(command, CommandState.SENT, received_at, ports)
    state = RESULT_STATES[message.status]
    if state not in LEGAL_COMMAND_MOVES[command.state]:
        return command
    return _move(command, state, received_at, ports, result=message.result, detail=message.detail)


def expire_overdue(ports: DevicePorts) -> int:
    """Sweep: CREATED past its TTL -> EXPIRED, SENT/DELIVERED past it -> TIMED_OUT."""
    now = ports.clock()
    moved = 0
    for command in ports.commands.overdue(now, SWEEP_BATCH):
        target = command.when_overdue(now)
        if target is not None:
            moved += _move(command, target, now, ports).state is target
    return moved


def get_command(org_id: str, command_id: str, ports: DevicePorts) -> Command:
    command = ports.commands.get(org_id, command_id)
    if command is None:
        raise NotFoundError(f"no command {command_id!r}")
    return command


def get_commands(org_id: str, command_ids: Sequence[str], ports: DevicePorts) -> list[Command]:
    """The organization's commands among ``command_ids``, in the order asked, each once; an id of
    no command of the organization is left out (the caller sees which by comparing)."""
    if len(command_ids) > MAX_LISTED:
        raise InvalidInputError("ids", f"{len(command_ids)} command ids; at most {MAX_LISTED}")
    found = {c.id: c for c in ports.commands.get_many(org_id, command_ids)}
    return [found[i] for i in dict.fromkeys(command_ids) if i in found]


def list_commands(org_id: str, device_id: str, limit: int, ports: DevicePorts) -> list[Command]:
    """The device's commands, newest first (at most 200)."""
    get_device(org_id, device_id, ports)
    return ports.commands.list(org_id, device_id, min(max(limit, 1), MAX_LISTED))


def send_to_target(org_id: str, body: BulkCommand, ports: DevicePorts) -> list[CommandOutcome]:
    """The command to every device reached, each on its own."""
    devices, missing = resolve_target(org_id, body.target, ports)
    outcomes = [CommandOutcome(device_id=d, outcome="not_found") for d in missing]
    for device in devices:
        key = body.command.idempotency_key
        single = body.command.model_copy(
            update={"idempotency_key": None if key is None else _device_key(key, device.id)}
        )
        try:
            command = send_command(org_id, device.id, single, ports)
        except (ConflictError, InvalidInputError, NotFoundError) as exc:
            outcomes.append(CommandOutcome(device_id=device.id, outcome="refused", detail=str(exc)))
            continue
        outcomes.append(
            CommandOutcome(
                device_id=device.id, outcome="created", command_id=command.id, state=command.state
            )
        )
    return outcomes


def _device_key(key: str, device_id: str) -> str:
    """One device's share of a bulk idempotency key: fixed length, the same on every retry."""
    return "bulk-" + hashlib.sha256(f"{key}\x00{device_id}".encode()).hexdigest()[:48]
