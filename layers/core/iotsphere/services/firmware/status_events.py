"""Firmware status reports as they arrive on the ``device-events`` queue: a ``DeviceEvent`` whose
topic is ``devices/<id>/firmware/status``. The device id comes from the topic (the broker ties it
to the device's identity); the report is judged at the time the bridge received it. The same topic
carries a device's request for a fresh offer (``renewals``).

A report that can never apply (not a report, another device's, an unknown device, rollout or
release) is ``refused`` for good; one that changes nothing (redelivered, late) is ``ignored``.
Only an unavailable store raises, so the queue delivers the event again.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.devices.fields import DEVICE_ID_PATTERN
from iotsphere.domain.devices.messages import DeviceEvent
from iotsphere.services.firmware.errors import (
    InvalidStatusReportError,
    ReleaseNotFoundError,
    RolloutNotFoundError,
    RolloutStateError,
)
from iotsphere.services.firmware.ports import DeviceDirectory, RolloutPorts
from iotsphere.services.firmware.renewals import is_renewal, renew_asked_offer
from iotsphere.services.firmware.reports import record_device_report

STATUS_TOPIC = re.compile(rf"devices/({DEVICE_ID_PATTERN.strip('^$')})/firmware/status")


class StatusOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcome: Literal["handled", "ignored", "refused"]
    reason: str = ""


def reporting_device(topic: str) -> str | None:
    """The device a firmware status topic belongs to; None for any other topic."""
    found = STATUS_TOPIC.fullmatch(topic)
    return found.group(1) if found else None


def record_status_event(
    event: DeviceEvent, directory: DeviceDirectory, ports: RolloutPorts
) -> StatusOutcome:
    device_id = reporting_device(event.topic)
    if device_id is None:
        return StatusOutcome(
            outcome="refused", reason=f"not a firmware status topic: {event.topic[:80]!r}"
        )
    received = datetime.fromtimestamp(event.received_ms / 1000, tz=UTC)
    try:
        if is_renewal(event.payload):
            renew_asked_offer(device_id, event.payload, directory, ports, received)
            return StatusOutcome(outcome="handled")
        moved = record_device_report(device_id, event.payload, directory, ports, received)
    except (
        InvalidStatusReportError,
        RolloutNotFoundError,
        ReleaseNotFoundError,
        RolloutStateError,
    ) as exc:
        return StatusOutcome(outcome="refused", reason=str(exc))
    if not moved:
        return StatusOutcome(outcome="ignored", reason="the report changes nothing")
    return StatusOutcome(outcome="handled")
