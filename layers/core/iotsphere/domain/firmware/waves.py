"""Which devices get an update in which wave: sizes from a plan, order from a digest.

Devices are ordered by SHA-256 of (rollout id, device id): the order is the same however the
targets were listed or looked up, spreads each wave across groups, and differs between rollouts,
so the same device is not always the canary.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_PERCENTS = (1.0, 10.0, 50.0, 100.0)
MAX_WAVES = 20


class WavePlan(BaseModel):
    """Cumulative ``percents`` of the targets (the last is 100) or explicit ``sizes`` per wave
    (whatever they leave over is one last wave). Exactly one of them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    percents: (
        Annotated[list[Annotated[float, Field(gt=0, le=100)]], Field(min_length=1, max_length=20)]
        | None
    ) = None
    sizes: (
        Annotated[list[Annotated[int, Field(gt=0)]], Field(min_length=1, max_length=20)] | None
    ) = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if (self.percents is None) == (self.sizes is None):
            raise ValueError("give either percents or sizes")
        if self.percents is not None:
            if any(b <= a for a, b in zip(self.percents, self.percents[1:], strict=False)):
                raise ValueError("percents must increase")
            if self.percents[-1] != 100:
                raise ValueError("the last percent must be 100")
        return self

    @classmethod
    def default(cls) -> WavePlan:
        return cls(percents=list(DEFAULT_PERCENTS))


def wave_ends(total: int, plan: WavePlan) -> list[int]:
    """Cumulative device counts at the end of each wave: increasing, every wave at least one
    device, the last equal to ``total``."""
    if total <= 0:
        return []
    if plan.percents is not None:
        wanted = [math.ceil(total * p / 100 - 1e-9) for p in plan.percents]
    else:
        wanted = []
        running = 0
        for size in plan.sizes or []:
            running += size
            wanted.append(running)
        wanted.append(total)
    ends: list[int] = []
    for end in wanted:
        end = min(max(end, (ends[-1] if ends else 0) + 1), total)
        if not ends or end > ends[-1]:
            ends.append(end)
        if end == total:
            break
    return ends


def order_devices(rollout_id: str, device_ids: Iterable[str]) -> list[str]:
    def rank(device_id: str) -> tuple[str, str]:
        digest = hashlib.sha256(f"{rollout_id}\x00{device_id}".encode()).hexdigest()
        return digest, device_id

    return sorted(set(device_ids), key=rank)


def assign_waves(rollout_id: str, device_ids: Iterable[str], ends: list[int]) -> dict[str, int]:
    """Device id -> wave index."""
    ordered = order_devices(rollout_id, device_ids)
    waves: dict[str, int] = {}
    start = 0
    for index, end in enumerate(ends):
        for device_id in ordered[start:end]:
            waves[device_id] = index
        start = end
    return waves
