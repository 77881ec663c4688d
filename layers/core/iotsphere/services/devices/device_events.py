"""One entry point for what devices publish besides telemetry: births and last wills, configuration
reports, command results and claims, as the bridge forwards them on the ``device-events`` queue.

A message that breaks its contract is refused for good (``refused``, with the reason; redelivery
would not help). A message about an unknown device, or one older than what is stored, is
``ignored``. Only an unavailable store or broker raises, so the queue redelivers; every handler is
idempotent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from iotsphere.domain.devices.errors import DeviceDomainError
from iotsphere.domain.devices.messages import (
    ClaimRequest,
    CommandResultMessage,
    DeviceEvent,
    ReportedConfigMessage,
    StatusMessage,
)
from iotsphere.domain.devices.topics import InboundTopic, parse_inbound
from iotsphere.services.devices.claims import claim_device
from iotsphere.services.devices.commands import record_result
from iotsphere.services.devices.configuration import record_report
from iotsphere.services.devices.connections import record_status
from iotsphere.services.devices.errors import ClaimRefusedError, InvalidInputError
from iotsphere.services.devices.ports import DevicePorts


class DeviceBirth(BaseModel):
    """A registered device that came online, as its birth was recorded: what the steps after a
    birth (firmware offered again) need, so none of them parses the status a second time or asks
    the registry whose device it is."""

    model_config = ConfigDict(frozen=True)

    org_id: str
    device_id: str
    firmware_version: str | None  # as the birth reported it; None when it did not say
    at: datetime  # when the bridge received it


class EventOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcome: Literal["handled", "ignored", "refused"]
    reason: str = ""
    birth: DeviceBirth | None = None  # a fresh birth that was handled


def handle_device_event(event: DeviceEvent, ports: DevicePorts) -> EventOutcome:
    inbound = parse_inbound(event.topic)
    if inbound is None:
        return EventOutcome(outcome="refused", reason=f"no handler for topic {event.topic[:80]!r}")
    if event.retained and inbound.kind == "status":  # an old birth or will, seen again
        return EventOutcome(outcome="ignored", reason="retained status replayed by the broker")
    received = datetime.fromtimestamp(event.received_ms / 1000, tz=UTC)
    try:
        return _dispatch(inbound, event.payload, received, ports)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(map(str, error["loc"])) or "payload"
        return EventOutcome(outcome="refused", reason=f"{inbound.kind}: {where}: {error['msg']}")
    except (ClaimRefusedError, InvalidInputError, DeviceDomainError) as exc:
        return EventOutcome(outcome="refused", reason=str(exc))


def _dispatch(
    inbound: InboundTopic, payload: str, received: datetime, ports: DevicePorts
) -> EventOutcome:
    done: object
    if inbound.kind == "status":
        status = StatusMessage.model_validate_json(payload)
        return _record_status(inbound.subject, status, received, ports)
    if inbound.kind == "reported":
        report = ReportedConfigMessage.model_validate_json(payload)
        done = record_report(inbound.subject, report, received, ports)
    elif inbound.kind == "command_result":
        result = CommandResultMessage.model_validate_json(payload)
        if result.command_id != inbound.command_id:
            return EventOutcome(outcome="refused", reason="command_id differs from the topic")
        done = record_result(inbound.subject, result, received, ports)
    else:
        claim = ClaimRequest.model_validate_json(payload)
        if claim.serial != inbound.subject:
            return EventOutcome(outcome="refused", reason="serial differs from the topic")
        done = claim_device(claim, received, ports)
    return EventOutcome(outcome="handled") if done is not None else EventOutcome(outcome="ignored")


def _record_status(
    device_id: str, status: StatusMessage, received: datetime, ports: DevicePorts
) -> EventOutcome:
    device = record_status(device_id, status, received, ports)
    if device is None:
        return EventOutcome(outcome="ignored")
    if status.state != "online":
        return EventOutcome(outcome="handled")
    birth = DeviceBirth(
        org_id=device.org_id,
        device_id=device.id,
        firmware_version=status.firmware_version,
        at=received,
    )
    return EventOutcome(outcome="handled", birth=birth)
