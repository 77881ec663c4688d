"""The device agent's side of a rollout, without its I/O: check an offer, and turn each outcome
into the report the platform counts.

    offer ─accept_offer─▶ manifest ─(download through ImageVerifier)─▶ InstallAttempt ─▶ reports
      └─ FirmwareRefusedError ─▶ refusal_report (state failed, the code, current version kept)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from iotsphere.domain.firmware.errors import FirmwareRefusedError
from iotsphere.domain.firmware.install import InstallAttempt, InstallState
from iotsphere.domain.firmware.manifest import FirmwareManifest
from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.domain.firmware.progress import FirmwareStatusReport, ReportedState
from iotsphere.domain.firmware.refusals import RefusalCode
from iotsphere.domain.firmware.signatures import TrustedKey
from iotsphere.domain.firmware.verification import DeviceFirmware, verify_offer

REPORTED: dict[InstallState, ReportedState] = {
    InstallState.HEALTH_CHECKING: "installed",
    InstallState.COMMITTED: "healthy",
    InstallState.ROLLED_BACK: "rolled_back",
}


def accept_offer(
    offer: FirmwareOffer, trusted: Sequence[TrustedKey], device: DeviceFirmware, now: datetime
) -> FirmwareManifest:
    """The verified manifest of an offer whose release and image are the manifest's own."""
    manifest = verify_offer(offer.signed, trusted, device, now)
    if offer.release_id != manifest.release_id or offer.image_key != manifest.image_key:
        raise FirmwareRefusedError(
            RefusalCode.RELEASE_MISMATCH,
            f"the offer pairs release {offer.release_id} ({offer.image_key!r}) with the "
            f"manifest of release {manifest.release_id} ({manifest.image_key!r})",
        )
    return manifest


def _report(
    offer: FirmwareOffer, device_id: str, state: ReportedState, at: datetime, **extra: object
) -> FirmwareStatusReport:
    return FirmwareStatusReport.model_validate(
        {
            "device_id": device_id,
            "rollout_id": offer.rollout_id,
            "release_id": offer.release_id,
            "state": state,
            "at": at,
            **extra,
        }
    )


def refusal_report(
    offer: FirmwareOffer,
    device_id: str,
    error: FirmwareRefusedError,
    running_version: str,
    at: datetime,
) -> FirmwareStatusReport:
    return _report(
        offer,
        device_id,
        "failed",
        at,
        code=error.code,
        detail=error.detail[:500],
        running_version=running_version,
    )


def downloading_report(offer: FirmwareOffer, device_id: str, at: datetime) -> FirmwareStatusReport:
    return _report(offer, device_id, "downloading", at)


def install_report(
    offer: FirmwareOffer, device_id: str, attempt: InstallAttempt, at: datetime
) -> FirmwareStatusReport | None:
    """The report of an install step; None while it is still installing (nothing new to say)."""
    state = REPORTED.get(attempt.state)
    if state is None:
        return None
    return _report(
        offer,
        device_id,
        state,
        at,
        detail=attempt.reason,
        running_version=attempt.running_version,
    )
