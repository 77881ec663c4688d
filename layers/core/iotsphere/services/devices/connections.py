"""Connection events: a device's birth and last will, as the bridge delivers them.

The first birth verifies a provisioned device and brings it online; later births and last wills
move it online and offline. Coming online sends the commands that waited for it and, when the
device has not reported its desired configuration yet, that configuration again (retained): so a
new device gets its type's default on its first connection, and a publish that was lost heals on
the next one.
"""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.devices.device import ConnectionEvent, Device, DeviceStatus
from iotsphere.domain.devices.errors import IllegalTransitionError
from iotsphere.domain.devices.messages import StatusMessage
from iotsphere.services.devices.commands import dispatch_waiting
from iotsphere.services.devices.configuration import publish_desired
from iotsphere.services.devices.ports import DevicePorts
from iotsphere.services.devices.registry import change_device


def record_status(
    device_id: str, message: StatusMessage, received_at: datetime, ports: DevicePorts
) -> Device | None:
    """Apply a birth or last will; None for an unknown or decommissioned device."""
    device = ports.devices.locate(device_id)
    if device is None or device.status is DeviceStatus.DECOMMISSIONED:
        return None
    event = ConnectionEvent(
        kind=message.state, at=received_at, session=message.session, reason=message.reason
    )

    def apply(current: Device) -> Device:
        updated = current.record_connection(event)
        if message.firmware_version and updated.status is DeviceStatus.ONLINE:
            updated = updated.model_copy(update={"firmware_version": message.firmware_version})
        return updated

    try:
        saved = change_device(device.org_id, device_id, apply, ports)
    except IllegalTransitionError:  # decommissioned meanwhile
        return None
    if saved.status is DeviceStatus.ONLINE:
        dispatch_waiting(saved.org_id, device_id, ports)
        shadow = ports.shadows.get(saved.org_id, device_id)
        if shadow is not None and shadow.delta:
            publish_desired(shadow, ports)
    return saved
