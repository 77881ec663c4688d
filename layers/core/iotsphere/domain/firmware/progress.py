"""Where each targeted device is in a rollout, and which reports may move it.

A state only moves forward (pending → offered → downloading → installed → healthy | failed |
rolled_back), so a redelivered or late report changes nothing and is never counted twice.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.devices.fields import DeviceId
from iotsphere.domain.firmware.refusals import RefusalCode


class ProgressState(StrEnum):
    PENDING = "pending"
    OFFERED = "offered"
    DOWNLOADING = "downloading"
    INSTALLED = "installed"
    HEALTHY = "healthy"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"


RANK = {
    ProgressState.PENDING: 0,
    ProgressState.OFFERED: 1,
    ProgressState.DOWNLOADING: 2,
    ProgressState.INSTALLED: 3,
    ProgressState.HEALTHY: 4,
    ProgressState.FAILED: 4,
    ProgressState.ROLLED_BACK: 4,
}
FAILURES = frozenset({ProgressState.FAILED, ProgressState.ROLLED_BACK})
FINISHED = frozenset({ProgressState.HEALTHY, *FAILURES})


def may_move_from(target: ProgressState) -> frozenset[ProgressState]:
    """The states a device may be in for a move to ``target`` to apply. A device report needs an
    offer first, so only ``offered`` may come from ``pending``."""
    lowest = 0 if target is ProgressState.OFFERED else 1
    return frozenset(s for s, rank in RANK.items() if lowest <= rank < RANK[target])


class DeviceProgress(BaseModel):
    model_config = ConfigDict(frozen=True)

    org_id: str
    rollout_id: str
    device_id: str
    wave: int
    state: ProgressState = ProgressState.PENDING
    code: RefusalCode | None = None
    detail: str | None = None
    updated_at: datetime


ReportedState = Literal["downloading", "installed", "healthy", "failed", "rolled_back"]


class FirmwareStatusReport(BaseModel):
    """What the device agent sends back about an offer (through the bridge into a queue)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    device_id: DeviceId
    rollout_id: Annotated[str, Field(min_length=1, max_length=64)]
    release_id: Annotated[str, Field(min_length=1, max_length=64)]
    state: ReportedState
    code: RefusalCode | None = None
    detail: Annotated[str, Field(max_length=500)] | None = None
    running_version: Annotated[str, Field(max_length=64)] | None = None
    at: datetime
