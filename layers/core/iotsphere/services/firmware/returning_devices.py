"""A device that connects again gets its open firmware offers once more. An offer goes out at QoS 1
and waits in the broker for a device with a persistent session, but a device without one (or one
reflashed in between) never sees it and would stay 'offered' for good; its birth is the moment to
offer again, with a URL valid from then."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import ValidationError

from iotsphere.domain.devices.messages import DeviceEvent, StatusMessage
from iotsphere.domain.devices.topics import parse_inbound
from iotsphere.services.firmware.offers import reoffer_to_returning_device
from iotsphere.services.firmware.ports import DeviceDirectory, RolloutPorts


def returning_device(event: DeviceEvent) -> tuple[str, str | None] | None:
    """The device whose fresh birth this event is, with the firmware version it says it runs;
    None for anything else (a last will, a birth the broker replays from its retained copy,
    another topic, a malformed status)."""
    inbound = parse_inbound(event.topic)
    if inbound is None or inbound.kind != "status" or event.retained:
        return None
    try:
        status = StatusMessage.model_validate_json(event.payload)
    except ValidationError:
        return None
    return (inbound.subject, status.firmware_version) if status.state == "online" else None


def reoffer_on_birth(
    event: DeviceEvent, directory: DeviceDirectory, ports: Callable[[], RolloutPorts]
) -> list[str]:
    """The rollouts whose offer went to the device again (see ``reoffer_to_returning_device``).
    ``ports`` is asked for only when a registered device came back, since most device events
    are not births."""
    returning = returning_device(event)
    if returning is None:
        return []
    device_id, running_version = returning
    org_id = directory.organization_of(device_id)
    if org_id is None:
        return []
    received = datetime.fromtimestamp(event.received_ms / 1000, tz=UTC)
    return reoffer_to_returning_device(org_id, device_id, ports(), received, running_version)
