"""Resolving a ``DeviceTarget`` in one organization: the devices it reaches, and the ids it names
that are no device of the organization (reported, not silently dropped)."""

from __future__ import annotations

from typing import Any

from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.domain.devices.search import MAX_PAGE_SIZE, DeviceSearch
from iotsphere.domain.devices.targets import DeviceTarget
from iotsphere.services.devices.ports import DevicePorts


def resolve_target(
    org_id: str, target: DeviceTarget, ports: DevicePorts
) -> tuple[list[Device], list[str]]:
    """``(devices by id, unknown ids)``; decommissioned devices are left out."""
    found: dict[str, Device] = {}
    missing = []
    for device_id in dict.fromkeys(target.device_ids):
        device = ports.devices.get(org_id, device_id)
        if device is None:
            missing.append(device_id)
        elif device.status is not DeviceStatus.DECOMMISSIONED:
            found[device.id] = device
    searches = [DeviceSearch(groups=target.groups)] if target.groups else []
    searches += [DeviceSearch(tags=[tag]) for tag in target.tags]  # any tag, not every tag
    for search in searches:
        paged = search.model_copy(update={"sort": "id", "limit": MAX_PAGE_SIZE})
        after: tuple[Any, str] | None = None
        while page := ports.devices.search(org_id, paged, after):
            found.update((d.id, d) for d in page)
            after = paged.sort_key(page[-1])
    return [found[k] for k in sorted(found)], missing
