"""Offers: the signed manifest and a short-lived image URL, to a wave's devices or to one device
again. Published before devices are marked offered, so a crash in between re-offers rather than
loses an offer; the agent ignores an offer it already acts on."""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.domain.firmware.progress import ProgressState
from iotsphere.domain.firmware.release import Release
from iotsphere.domain.firmware.rollout import Rollout, RolloutState
from iotsphere.services.firmware.errors import FirmwareServiceError, RolloutStateError
from iotsphere.services.firmware.ports import RolloutPorts

OFFER_PAGE = 500


def new_offer(
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


def offer_pending(rollout: Rollout, release: Release, ports: RolloutPorts, now: datetime) -> None:
    while True:
        pending = ports.rollouts.pending_devices(
            rollout.org_id, rollout.rollout_id, rollout.wave, OFFER_PAGE
        )
        if not pending:
            return
        offer = new_offer(rollout, release, ports, now)  # one URL per page: none goes stale
        ports.offers.offer_all(rollout.org_id, pending, offer)
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
    return _offer_again(rollout, release, device_id, ports, now)


def reoffer_to_returning_device(
    org_id: str,
    device_id: str,
    ports: RolloutPorts,
    now: datetime,
    running_version: str | None = None,
) -> list[str]:
    """A device that connects again gets each open offer of a running rollout once more, with a
    fresh URL: an offer it never received (no persistent session, a reflashed device) would
    otherwise leave it 'offered' for good. The agent ignores an offer it already acts on. Returns
    the rollouts offered again; a paused or cancelled rollout, an expired release, or a release
    the device already runs (it rebooted into it before its reports were recorded) offers
    nothing. Each open offer costs one read of its rollout and one of its release: ``open_offers``
    already found the device offered or downloading."""
    offered = []
    for rollout_id in ports.rollouts.open_offers(org_id, device_id):
        rollout = ports.rollouts.get(org_id, rollout_id)
        if rollout.state is not RolloutState.RUNNING:
            continue
        try:
            release = ports.releases.get(org_id, rollout.release_id)
            if release.version == running_version:
                continue
            _offer_again(rollout, release, device_id, ports, now)
        except FirmwareServiceError:  # the release expired, or is gone
            continue
        offered.append(rollout_id)
    return offered


def _offer_again(
    rollout: Rollout, release: Release, device_id: str, ports: RolloutPorts, now: datetime
) -> FirmwareOffer:
    if release.expires_at <= now:
        raise RolloutStateError(f"release {release.release_id} has expired")
    offer = new_offer(rollout, release, ports, now)
    ports.offers.offer(rollout.org_id, device_id, offer)
    return offer
