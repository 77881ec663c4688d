"""One update on a device from offer to commit or rollback, over the device's own I/O.

The device keeps two slots (A/B): the image streams into the inactive one through the verifier,
so nothing unverified is ever booted and the running slot is never touched until ``activate``.
The caller publishes ``reports`` in order; with ``retry_download`` (the download failed, or the
offer's URL had expired by the device's clock before it began) it asks for a fresh offer
(``renew_offer`` on the platform) and calls again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from iotsphere.domain.firmware.agent import (
    accept_offer,
    downloading_report,
    install_report,
    refusal_report,
)
from iotsphere.domain.firmware.errors import DownloadError, FirmwareRefusedError, SlotError
from iotsphere.domain.firmware.install import InstallAttempt, InstallState
from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.domain.firmware.progress import FirmwareStatusReport
from iotsphere.domain.firmware.signatures import TrustedKey
from iotsphere.domain.firmware.verification import DeviceFirmware, ImageVerifier


class FirmwareSlot(Protocol):
    def write(self, chunk: bytes) -> None:
        """Append to the inactive slot (the first write of an update starts it afresh)."""

    def activate(self) -> None:
        """Boot the inactive slot; raise ``SlotError`` if it cannot."""

    def health_check(self) -> str | None:
        """None when the new firmware is healthy, otherwise why not."""

    def rollback(self) -> None:
        """Boot the previous slot again."""


@dataclass(frozen=True)
class UpdateOutcome:
    running_version: str
    reports: list[FirmwareStatusReport] = field(default_factory=list)
    attempt: InstallAttempt | None = None
    retry_download: bool = False


def apply_offer(
    offer: FirmwareOffer,
    device_id: str,
    device: DeviceFirmware,
    trusted: Sequence[TrustedKey],
    fetch: Callable[[str], Iterable[bytes]],
    slot: FirmwareSlot,
    clock: Callable[[], datetime],
) -> UpdateOutcome:
    running = device.current_version
    reports: list[FirmwareStatusReport] = []
    try:
        manifest = accept_offer(offer, trusted, device, clock())
        if offer.url_expires_at <= clock():  # a doomed download: ask for a fresh URL instead
            return UpdateOutcome(running_version=running, retry_download=True)
        reports.append(downloading_report(offer, device_id, clock()))
        verifier = ImageVerifier(manifest, offer.image_key)
        for chunk in fetch(offer.image_url):
            verifier.update(chunk)
            slot.write(chunk)
        verifier.finish()
    except FirmwareRefusedError as refusal:
        reports.append(refusal_report(offer, device_id, refusal, running, clock()))
        return UpdateOutcome(running_version=running, reports=reports)
    except DownloadError:
        return UpdateOutcome(running_version=running, reports=reports, retry_download=True)
    attempt = InstallAttempt(
        release_id=manifest.release_id, from_version=running, to_version=manifest.version
    )
    try:
        slot.activate()
    except SlotError as exc:
        attempt = attempt.install_failed(str(exc))
    else:
        attempt = attempt.installed(clock())
        _report(reports, offer, device_id, attempt, clock())
        problem = slot.health_check()
        attempt = attempt.health_failed(problem) if problem else attempt.health_passed(clock())
    if attempt.state is InstallState.ROLLED_BACK:
        slot.rollback()
    _report(reports, offer, device_id, attempt, clock())
    return UpdateOutcome(running_version=attempt.running_version, reports=reports, attempt=attempt)


def _report(
    reports: list[FirmwareStatusReport],
    offer: FirmwareOffer,
    device_id: str,
    attempt: InstallAttempt,
    at: datetime,
) -> None:
    report = install_report(offer, device_id, attempt, at)
    if report is not None:
        reports.append(report)
