"""Rollout targets and report senders, looked up in the device registry through its repositories.

A rollout reaches the organization's devices whose device type declares the release's firmware
family, named by id, in any of the groups, or carrying any of the tags; decommissioned devices
never. Each device once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.domain.devices.search import MAX_PAGE_SIZE, DeviceSearch
from iotsphere.domain.firmware.rollout import RolloutTarget
from iotsphere.services.devices.ports import DeviceRepository, DeviceTypeRepository

MAX_FILTER_LABELS = 20  # a DeviceSearch holds at most this many groups


class RegistryTargets:
    """``DeviceTargets`` and ``DeviceDirectory`` over the registry."""

    def __init__(self, devices: DeviceRepository, device_types: DeviceTypeRepository) -> None:
        self._devices = devices
        self._types = device_types

    def resolve(self, org_id: str, target: RolloutTarget, firmware_family: str) -> list[str]:
        types = {t.id for t in self._types.list(org_id) if t.firmware_family == firmware_family}
        found: set[str] = set()
        for device_id in target.device_ids:
            device = self._devices.get(org_id, device_id)
            if (
                device is not None
                and device.device_type in types
                and device.status is not DeviceStatus.DECOMMISSIONED
            ):
                found.add(device.id)
        group_chunks = [
            target.groups[i : i + MAX_FILTER_LABELS]
            for i in range(0, len(target.groups), MAX_FILTER_LABELS)
        ]
        filters: list[tuple[list[str], list[str]]] = [
            (groups, []) for groups in group_chunks
        ]  # a device in any of the groups
        filters += [([], [tag]) for tag in target.tags]  # a device with any of the tags
        for device_type in sorted(types):
            for groups, tags in filters:
                search = DeviceSearch(
                    device_type=device_type,
                    groups=groups,
                    tags=tags,
                    sort="id",
                    limit=MAX_PAGE_SIZE,
                )
                found.update(device.id for device in self._pages(org_id, search))
        return sorted(found)

    def _pages(self, org_id: str, search: DeviceSearch) -> Iterator[Device]:
        after: tuple[Any, str] | None = None
        while True:
            page = self._devices.search(org_id, search, after)
            yield from page
            if len(page) < search.limit:
                return
            after = search.sort_key(page[-1])

    def organization_of(self, device_id: str) -> str | None:
        device = self._devices.locate(device_id)
        return None if device is None else device.org_id
