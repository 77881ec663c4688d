"""A simulated device's A/B firmware slot: what is written is hashed, not kept (a fleet of
thousands holds no images), and whether new firmware passes its health check is decided up
front per device, so a test or an operator knows which devices will roll back."""

from __future__ import annotations

import hashlib

from iotsphere.domain.firmware.errors import SlotError

HEALTH_PROBLEM = "simulated health check failure: no sensor readings after boot"


def fails_health_check(device_id: str, rate: float, seed: int = 1) -> bool:
    """Deterministic: the same device and seed always give the same answer, and about ``rate``
    of a fleet fails."""
    if rate <= 0:
        return False
    digest = hashlib.sha256(f"{seed}:{device_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


class SimulatedSlot:
    """The inactive slot of one device. ``begin`` starts an update (the download calls it)."""

    def __init__(self, failing: bool = False) -> None:
        self.failing = failing
        self.written = 0
        self.sha256 = hashlib.sha256()
        self.booted = False

    def begin(self) -> None:
        self.written, self.sha256, self.booted = 0, hashlib.sha256(), False

    def write(self, chunk: bytes) -> None:
        self.written += len(chunk)
        self.sha256.update(chunk)

    def activate(self) -> None:
        if self.written == 0:
            raise SlotError("the inactive slot is empty")
        self.booted = True

    def health_check(self) -> str | None:
        return HEALTH_PROBLEM if self.failing else None

    def rollback(self) -> None:
        self.booted = False
