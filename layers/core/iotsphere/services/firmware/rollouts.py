"""Staged rollouts: start one, drive it wave by wave through its health gate, pause, resume,
cancel. (Offers: ``offers``; device reports: ``reports``.)

``advance_rollout`` is safe to call any number of times (a schedule sweeps every running rollout):
it first offers whatever of the current wave is still pending, then asks the gate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.firmware.errors import InvalidTransitionError
from iotsphere.domain.firmware.progress import DeviceProgress
from iotsphere.domain.firmware.release import Release
from iotsphere.domain.firmware.rollout import (
    GateVerdict,
    HealthGate,
    Rollout,
    RolloutState,
    RolloutTarget,
    judge_wave,
)
from iotsphere.domain.firmware.waves import WavePlan, assign_waves, wave_ends
from iotsphere.services.errors import ServiceError, StoreUnavailableError
from iotsphere.services.firmware.errors import (
    InvalidRolloutRequestError,
    ReleaseNotFoundError,
    RolloutStateError,
)
from iotsphere.services.firmware.offers import offer_pending
from iotsphere.services.firmware.ports import RolloutPorts

MAX_TARGETS = 100_000
STOPPED = frozenset({RolloutState.HALTED, RolloutState.CANCELLED})


class RolloutRequest(BaseModel):
    """The body that starts a rollout."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    release_id: Annotated[str, Field(min_length=1, max_length=64)]
    target: RolloutTarget
    plan: WavePlan = WavePlan.default()
    gate: HealthGate = HealthGate()


def start_rollout(
    org_id: str, request: RolloutRequest, rollout_id: str, ports: RolloutPorts, now: datetime
) -> Rollout:
    if request.target.empty:
        raise InvalidRolloutRequestError("target: name at least one device id, group or tag")
    release = ports.releases.get(org_id, request.release_id)
    if release.expires_at <= now:
        raise InvalidRolloutRequestError(f"release {release.release_id} has expired")
    devices = set(ports.targets.resolve(org_id, request.target, release.firmware_family))
    if not devices:
        raise InvalidRolloutRequestError(
            f"target: no {release.firmware_family} devices of this organization match"
        )
    if len(devices) > MAX_TARGETS:
        raise InvalidRolloutRequestError(f"target: more than {MAX_TARGETS} devices match")
    ends = wave_ends(len(devices), request.plan)
    rollout = Rollout(
        rollout_id=rollout_id,
        org_id=org_id,
        release_id=release.release_id,
        firmware_family=release.firmware_family,
        target=request.target,
        plan=request.plan,
        gate=request.gate,
        wave_ends=ends,
        wave_started_at=now,
        created_at=now,
        updated_at=now,
    )
    progress = [
        DeviceProgress(
            org_id=org_id, rollout_id=rollout_id, device_id=device_id, wave=wave, updated_at=now
        )
        for device_id, wave in assign_waves(rollout_id, devices, ends).items()
    ]
    ports.rollouts.create(rollout, progress)
    try:
        return advance_rollout(org_id, rollout_id, ports, now)
    except StoreUnavailableError:
        return rollout  # it is stored: the sweep offers its first wave within a minute


def _judge(rollout: Rollout, release: Release, ports: RolloutPorts, now: datetime) -> Rollout:
    if release.expires_at <= now:
        return rollout.breach(now, f"release {release.release_id} expired")
    counts = ports.rollouts.counts(rollout.org_id, rollout.rollout_id).get(rollout.wave, {})
    verdict, reason = judge_wave(
        rollout.gate,
        rollout.wave_size(rollout.wave),
        counts,
        rollout.wave_started_at,
        now,
        waived=rollout.waived_wave == rollout.wave,
    )
    if verdict is GateVerdict.BREACH:
        return rollout.breach(now, reason)
    if verdict is GateVerdict.ADVANCE:
        return rollout.next_wave(now)
    return rollout


def advance_rollout(org_id: str, rollout_id: str, ports: RolloutPorts, now: datetime) -> Rollout:
    """Offer the current wave, then halt, advance or leave the rollout as its gate says."""
    rollout = ports.rollouts.get(org_id, rollout_id)
    if rollout.state is not RolloutState.RUNNING:
        return rollout
    return _drive(rollout, ports, now)


def _drive(rollout: Rollout, ports: RolloutPorts, now: datetime) -> Rollout:
    """``advance_rollout`` of a running rollout as read. A rollout whose release no longer exists
    (removed from the store by hand) can offer nothing, ever: it is cancelled, with that reason."""
    try:
        release = ports.releases.get(rollout.org_id, rollout.release_id)
    except ReleaseNotFoundError:
        cancelled = rollout.cancel(now, f"release {rollout.release_id} no longer exists")
        ports.rollouts.save(cancelled, rollout.revision)
        return cancelled
    if release.expires_at > now:
        offer_pending(rollout, release, ports, now)
    judged = _judge(rollout, release, ports, now)
    if judged is rollout:
        return rollout
    ports.rollouts.save(judged, rollout.revision)
    if judged.state is RolloutState.RUNNING:
        offer_pending(judged, release, ports, now)
    return judged


@dataclass(frozen=True)
class SweepResult:
    advanced: list[Rollout]
    failed: dict[str, str]  # rollout id -> why it could not be advanced this time

    @property
    def stopped(self) -> list[Rollout]:
        """The rollouts this sweep halted (a breached gate, an expired release) or cancelled (a
        release that is gone): the sweep drives only rollouts it read running, and a rollout
        changed by someone else since fails its revision check and is left alone."""
        return [r for r in self.advanced if r.state in STOPPED]


def advance_rollouts(ports: RolloutPorts, now: datetime) -> SweepResult:
    """The scheduled sweep over every running rollout. One that raced another call is left to
    that call; one that fails does not stop the others (the next sweep tries it again)."""
    advanced: list[Rollout] = []
    failed: dict[str, str] = {}
    for listed in ports.rollouts.running():
        try:
            rollout = ports.rollouts.get(listed.org_id, listed.rollout_id)
            if rollout.state is RolloutState.RUNNING:  # else changed meanwhile: not this sweep's
                advanced.append(_drive(rollout, ports, now))
        except RolloutStateError:
            continue
        except ServiceError as exc:
            failed[listed.rollout_id] = str(exc)
    return SweepResult(advanced=advanced, failed=failed)


def _change(
    org_id: str, rollout_id: str, ports: RolloutPorts, move: Callable[[Rollout], Rollout]
) -> Rollout:
    rollout = ports.rollouts.get(org_id, rollout_id)
    try:
        changed = move(rollout)
    except InvalidTransitionError as exc:
        raise RolloutStateError(str(exc)) from exc
    ports.rollouts.save(changed, rollout.revision)
    return changed


def pause_rollout(org_id: str, rollout_id: str, ports: RolloutPorts, now: datetime) -> Rollout:
    return _change(org_id, rollout_id, ports, lambda r: r.pause(now))


def resume_rollout(org_id: str, rollout_id: str, ports: RolloutPorts, now: datetime) -> Rollout:
    _change(org_id, rollout_id, ports, lambda r: r.resume(now))
    return advance_rollout(org_id, rollout_id, ports, now)


def cancel_rollout(org_id: str, rollout_id: str, ports: RolloutPorts, now: datetime) -> Rollout:
    """Devices not offered yet never are; an offered device may still finish its install."""
    return _change(org_id, rollout_id, ports, lambda r: r.cancel(now))
