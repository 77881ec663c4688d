"""Errors of the firmware domain, one hierarchy under ``FirmwareError``."""

from __future__ import annotations

from iotsphere.domain.errors import DomainError
from iotsphere.domain.firmware.refusals import RefusalCode


class FirmwareError(DomainError):
    """Base of every firmware error."""


class InvalidVersionError(FirmwareError):
    """A version string is not a semantic version (MAJOR.MINOR.PATCH[-pre][+build])."""


class InvalidManifestError(FirmwareError):
    """A manifest cannot be built or read; the message says which field and why."""


class FirmwareRefusedError(FirmwareError):
    """The device refuses an update; ``code`` is reported back, ``detail`` says precisely why."""

    def __init__(self, code: RefusalCode, detail: str) -> None:
        super().__init__(f"{code.value}: {detail}")
        self.code = code
        self.detail = detail


class InvalidTransitionError(FirmwareError):
    """A state machine was asked for a move its current state does not allow."""


class InvalidRolloutError(FirmwareError):
    """A rollout plan or health gate breaks a rule; the message says which."""


class DownloadError(FirmwareError):
    """The image could not be fetched (network, an expired URL); worth trying again."""


class SlotError(FirmwareError):
    """The device could not write or boot the new image."""
