"""Staged rollouts: start one, drive it wave by wave through its health gate, and take reports.

``advance_rollout`` is safe to call any number of times (a schedule sweeps every running rollout):
it first offers whatever of the current wave is still pending, then asks the gate. Offers are
published before devices are marked offered, so a crash in between re-offers rather than loses
an offer; the agent ignores an offer it already acts on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.firmware.errors import InvalidTransitionError
from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.domain.firmware.progress import DeviceProgress, FirmwareStatusReport, ProgressState
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
from iotsphere.services.errors import ServiceError
from iotsphere.services.firmware.errors import (
    InvalidRolloutRequestError,
    RolloutStateError,
)
from iotsphere.services.firmware.ports import (
    DeviceTargets,
    FirmwareImages,
    OfferPublisher,
    ReleaseStore,
    RolloutStore,
)

MAX_URL_TTL = timedelta(minutes=15)
MAX_TARGETS = 100_000
OFFER_PAGE = 500


@dataclass(frozen=True)
class RolloutPorts:
    releases: ReleaseStore
    rollouts: RolloutStore
    targets: DeviceTargets
    images: FirmwareImages
    offers: OfferPublisher
    url_ttl: timedelta = MAX_URL_TTL

    def __post_init__(self) -> None:
        if not timedelta(0) < self.url_ttl <= MAX_URL_TTL:
            raise ValueError(f"image URLs must expire within {MAX_URL_TTL}")


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
    return advance_rollout(org_id, rollout_id, ports, now)


def _new_offer(
    rollout: Rollout, release: Release, ports: RolloutPorts, now: datetime
) -> FirmwareOffer:
    return FirmwareOffer(
        rollout_id=rollout.rollout_id,
        release_id=release.release_id,
        image_key=release.image_key,
        image_url=ports.images.download_url(release.image_key, ports.url_ttl),
        url_expires_at=now + ports.url_ttl,
        signed=release.signed,
    )


def _offer_pending(rollout: Rollout, release: Release, ports: RolloutPorts, now: datetime) -> None:
    while True:
        pending = ports.rollouts.pending_devices(
            rollout.org_id, rollout.rollout_id, rollout.wave, OFFER_PAGE
        )
        if not pending:
            return
        offer = _new_offer(rollout, release, ports, now)  # one URL per page: none goes stale
        for device_id in pending:
            ports.offers.offer(rollout.org_id, device_id, offer)
        ports.rollouts.move(rollout.org_id, rollout.rollout_id, pending, ProgressState.OFFERED, now)


def renew_offer(
    org_id: str, rollout_id: str, device_id: str, ports: RolloutPorts, now: datetime
) -> FirmwareOffer:
    """Offer again, with a fresh URL, to a device whose offer came too late to download (an
    offline device gets its queued offer when it reconnects, its URL long expired)."""
    rollout = ports.rollouts.get(org_id, rollout_id)
    progress = ports.rollouts.device(org_id, rollout_id, device_id)
    if rollout.state is RolloutState.CANCELLED:
        raise RolloutStateError(f"rollout {rollout_id} is cancelled")
    if progress.state not in (ProgressState.OFFERED, ProgressState.DOWNLOADING):
        raise RolloutStateError(f"device {device_id} is {progress.state.value}: no offer to renew")
    release = ports.releases.get(org_id, rollout.release_id)
    if release.expires_at <= now:
        raise RolloutStateError(f"release {release.release_id} has expired")
    offer = _new_offer(rollout, release, ports, now)
    ports.offers.offer(org_id, device_id, offer)
    return offer


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
    release = ports.releases.get(org_id, rollout.release_id)
    if release.expires_at > now:
        _offer_pending(rollout, release, ports, now)
    judged = _judge(rollout, release, ports, now)
    if judged is rollout:
        return rollout
    ports.rollouts.save(judged, rollout.revision)
    if judged.state is RolloutState.RUNNING:
        _offer_pending(judged, release, ports, now)
    return judged


@dataclass(frozen=True)
class SweepResult:
    advanced: list[Rollout]
    failed: dict[str, str]  # rollout id -> why it could not be advanced this time


def advance_rollouts(ports: RolloutPorts, now: datetime) -> SweepResult:
    """The scheduled sweep over every running rollout. One that raced another call is left to
    that call; one that fails does not stop the others (the next sweep tries it again)."""
    advanced: list[Rollout] = []
    failed: dict[str, str] = {}
    for rollout in ports.rollouts.running():
        try:
            advanced.append(advance_rollout(rollout.org_id, rollout.rollout_id, ports, now))
        except RolloutStateError:
            continue
        except ServiceError as exc:
            failed[rollout.rollout_id] = str(exc)
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


def record_status(
    org_id: str, report: FirmwareStatusReport, ports: RolloutPorts, now: datetime
) -> bool:
    """Apply a device's report; False when it changes nothing (redelivered, late, or for another
    release). A device refusing as already running the release counts as healthy."""
    rollout = ports.rollouts.get(org_id, report.rollout_id)
    if report.release_id != rollout.release_id:
        ports.rollouts.device(org_id, rollout.rollout_id, report.device_id)
        return False
    state = ProgressState(report.state)
    if state is ProgressState.FAILED and report.running_version is not None:
        release = ports.releases.get(org_id, rollout.release_id)
        if report.running_version == release.version:
            state = ProgressState.HEALTHY
    moved = ports.rollouts.move(
        org_id,
        rollout.rollout_id,
        [report.device_id],
        state,
        now,
        code=report.code,
        detail=report.detail,
    )
    if moved == 0:  # a no-op, or a device that is not part of the rollout (raises)
        ports.rollouts.device(org_id, rollout.rollout_id, report.device_id)
    return moved == 1
