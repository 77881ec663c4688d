"""The fleet at a glance: how many of an organization's devices are in each status."""

from __future__ import annotations

from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.domain.devices.messages import DeviceCounts
from iotsphere.services.devices.ports import DevicePorts


def count_devices(org_id: str, ports: DevicePorts) -> DeviceCounts:
    by_status = ports.devices.count_by_status(org_id)
    counts = {str(status): by_status.get(status, 0) for status in DeviceStatus}
    never_seen = ports.devices.count_never_seen(org_id)
    return DeviceCounts.model_validate(
        {**counts, "never_seen": never_seen, "total": sum(by_status.values())}
    )
