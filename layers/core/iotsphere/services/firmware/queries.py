"""What the API shows of a rollout: its state and, per wave, how many devices are where."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.firmware.progress import DeviceProgress, ProgressState
from iotsphere.domain.firmware.rollout import Rollout
from iotsphere.services.firmware.ports import RolloutStore


class WaveProgress(BaseModel):
    model_config = ConfigDict(frozen=True)

    wave: int
    size: int
    devices: dict[ProgressState, int]


class RolloutProgress(BaseModel):
    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    rollout: Rollout
    waves: list[WaveProgress]


def rollout_progress(org_id: str, rollout_id: str, store: RolloutStore) -> RolloutProgress:
    rollout = store.get(org_id, rollout_id)
    counts = store.counts(org_id, rollout_id)
    waves = [
        WaveProgress(
            wave=index,
            size=rollout.wave_size(index),
            devices={state: counts.get(index, {}).get(state, 0) for state in ProgressState},
        )
        for index in range(len(rollout.wave_ends))
    ]
    return RolloutProgress(rollout=rollout, waves=waves)


class DevicePage(BaseModel):
    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    devices: list[DeviceProgress]
    next_after: str | None


def rollout_devices(
    org_id: str,
    rollout_id: str,
    store: RolloutStore,
    state: ProgressState | None = None,
    after: str | None = None,
    limit: int = 100,
) -> DevicePage:
    """Which devices are where (``failed`` ones with their refusal code), a page at a time."""
    store.get(org_id, rollout_id)
    devices = store.devices(org_id, rollout_id, state, after, limit)
    next_after = devices[-1].device_id if len(devices) == limit else None
    return DevicePage(devices=devices, next_after=next_after)
