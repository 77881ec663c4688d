"""A staged rollout of one release: its waves, its health gate, and the moves between states.

    running ──pause──▶ paused ──resume──▶ running
       │  └─gate breached─▶ halted ──resume (waives that wave's gate)──▶ running
       └──last wave passed──▶ completed        any but completed ──cancel──▶ cancelled

Every move returns a new ``Rollout`` with ``revision`` + 1, so a store can refuse a write that
raced another (compare-and-set on the revision).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.devices.fields import DeviceId, Label
from iotsphere.domain.firmware.errors import InvalidTransitionError
from iotsphere.domain.firmware.progress import FAILURES, ProgressState
from iotsphere.domain.firmware.waves import WavePlan


class RolloutTarget(BaseModel):
    """Devices by id, by group and by tag; a device matching several is targeted once."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    device_ids: Annotated[list[DeviceId], Field(max_length=10_000)] = []
    groups: Annotated[list[Label], Field(max_length=100)] = []
    tags: Annotated[list[Label], Field(max_length=100)] = []

    @property
    def empty(self) -> bool:
        return not (self.device_ids or self.groups or self.tags)


class HealthGate(BaseModel):
    """When a wave may lead to the next, and when it stops the rollout.

    The failure rate is failed (refused, failed or rolled back) over the wave's size, so it only
    grows and a breach cannot be undone by reports arriving in another order.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_failure_rate: Annotated[float, Field(ge=0, le=1)] = 0.05
    min_success_count: Annotated[int, Field(ge=0)] = 1
    min_success_rate: Annotated[float, Field(ge=0, le=1)] = 0.9
    soak_time: Annotated[timedelta, Field(ge=timedelta(0), le=timedelta(days=7))] = timedelta(
        minutes=10
    )
    on_breach: Literal["halt", "cancel"] = "halt"

    def successes_needed(self, wave_size: int) -> int:
        by_rate = math.ceil(wave_size * self.min_success_rate - 1e-9)
        return min(wave_size, max(self.min_success_count, by_rate))


class GateVerdict(StrEnum):
    WAIT = "wait"
    ADVANCE = "advance"
    BREACH = "breach"


def judge_wave(
    gate: HealthGate,
    wave_size: int,
    counts: Mapping[ProgressState, int],
    started_at: datetime,
    now: datetime,
    waived: bool = False,
) -> tuple[GateVerdict, str]:
    failed = sum(counts.get(state, 0) for state in FAILURES)
    healthy = counts.get(ProgressState.HEALTHY, 0)
    rate = failed / wave_size if wave_size else 0.0
    if not waived and rate > gate.max_failure_rate:
        return GateVerdict.BREACH, (
            f"{failed} of {wave_size} devices failed ({rate:.1%}); "
            f"the gate allows {gate.max_failure_rate:.1%}"
        )
    if now - started_at < gate.soak_time:
        return GateVerdict.WAIT, f"soaking until {(started_at + gate.soak_time).isoformat()}"
    needed = gate.successes_needed(wave_size)
    if not waived and healthy < needed:
        return GateVerdict.WAIT, f"{healthy} of the {needed} healthy devices needed"
    return GateVerdict.ADVANCE, f"{healthy} healthy, {failed} failed of {wave_size}"


class RolloutState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    HALTED = "halted"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Rollout(BaseModel):
    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    rollout_id: str
    org_id: str
    release_id: str
    firmware_family: str
    target: RolloutTarget
    plan: WavePlan
    gate: HealthGate
    wave_ends: list[int]
    state: RolloutState = RolloutState.RUNNING
    wave: int = 0
    wave_started_at: datetime
    waived_wave: int | None = None
    reason: str | None = None
    created_at: datetime
    updated_at: datetime
    revision: int = 0

    @property
    def total(self) -> int:
        return self.wave_ends[-1] if self.wave_ends else 0

    def wave_size(self, wave: int) -> int:
        return self.wave_ends[wave] - (self.wave_ends[wave - 1] if wave else 0)

    def _move(self, now: datetime, **changes: object) -> Rollout:
        return self.model_copy(update={**changes, "updated_at": now, "revision": self.revision + 1})

    def _expect(self, allowed: tuple[RolloutState, ...], move: str) -> None:
        if self.state not in allowed:
            raise InvalidTransitionError(f"cannot {move} a rollout that is {self.state.value}")

    def pause(self, now: datetime, reason: str = "paused by an operator") -> Rollout:
        self._expect((RolloutState.RUNNING,), "pause")
        return self._move(now, state=RolloutState.PAUSED, reason=reason)

    def resume(self, now: datetime) -> Rollout:
        """A halted rollout resumes with its current wave's gate waived (the operator judged it);
        the soak time still runs."""
        self._expect((RolloutState.PAUSED, RolloutState.HALTED), "resume")
        waived = self.wave if self.state is RolloutState.HALTED else self.waived_wave
        return self._move(now, state=RolloutState.RUNNING, reason=None, waived_wave=waived)

    def cancel(self, now: datetime, reason: str = "cancelled by an operator") -> Rollout:
        self._expect((RolloutState.RUNNING, RolloutState.PAUSED, RolloutState.HALTED), "cancel")
        return self._move(now, state=RolloutState.CANCELLED, reason=reason)

    def breach(self, now: datetime, reason: str) -> Rollout:
        self._expect((RolloutState.RUNNING,), "halt")
        state = RolloutState.CANCELLED if self.gate.on_breach == "cancel" else RolloutState.HALTED
        return self._move(now, state=state, reason=f"wave {self.wave + 1}: {reason}")

    def next_wave(self, now: datetime) -> Rollout:
        self._expect((RolloutState.RUNNING,), "advance")
        if self.wave + 1 >= len(self.wave_ends):
            return self._move(now, state=RolloutState.COMPLETED, reason=None)
        return self._move(now, wave=self.wave + 1, wave_started_at=now)
