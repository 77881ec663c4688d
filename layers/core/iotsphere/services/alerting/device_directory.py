"""``DeviceDirectory`` over the device registry: what the evaluator needs of each device, kept for
a short TTL so a batch of readings costs no registry read per reading."""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Collection

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.domain.devices.search import MAX_PAGE_SIZE, DeviceSearch
from iotsphere.services.devices.ports import DeviceRepository

DEFAULT_TTL_S = 30.0


def profile_of(device: Device) -> DeviceProfile:
    return DeviceProfile(
        device_id=device.id,
        org_id=device.org_id,
        device_type=device.device_type,
        groups=frozenset(device.groups),
        tags=frozenset(device.tags),
    )


class RegistryDeviceDirectory:
    def __init__(
        self,
        devices: DeviceRepository,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._devices = devices
        self._ttl_s = ttl_s
        self._clock = clock
        self._cache: dict[str, tuple[float, DeviceProfile | None]] = {}

    def profiles(self, device_ids: Collection[str]) -> dict[str, DeviceProfile]:
        """Known devices that are not decommissioned (the id alone names the organization: the
        readings came from a topic the broker authenticated)."""
        now = self._clock()
        expired = [
            device_id
            for device_id in device_ids
            if (cached := self._cache.get(device_id)) is None
            or now - cached[0] >= self._ttl_of(device_id)
        ]
        if expired:
            located = {device.id: device for device in self._devices.locate_many(expired)}
            for device_id in expired:
                device = located.get(device_id)
                usable = device is not None and device.status is not DeviceStatus.DECOMMISSIONED
                self._cache[device_id] = (now, profile_of(device) if device and usable else None)
        found: dict[str, DeviceProfile] = {}
        for device_id in device_ids:
            profile = self._cache[device_id][1]
            if profile is not None:
                found[device_id] = profile
        return found

    def _ttl_of(self, device_id: str) -> float:
        """Between half and all of the TTL, fixed per device: a fleet first seen in one batch is
        read again spread over half a TTL, not all in one batch."""
        return self._ttl_s * (0.5 + (zlib.crc32(device_id.encode()) % 1000) / 2000)

    def list_profiles(self, org_id: str, limit: int) -> list[DeviceProfile]:
        search = DeviceSearch(limit=max(1, min(limit, MAX_PAGE_SIZE)))
        return [profile_of(device) for device in self._devices.search(org_id, search, None)]
