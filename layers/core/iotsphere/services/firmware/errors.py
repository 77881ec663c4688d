"""Errors of the firmware services; the HTTP layer maps them (NotFound 404, Conflict 409 ...)."""

from __future__ import annotations

from iotsphere.services.errors import ServiceError


class FirmwareServiceError(ServiceError):
    """Base of every firmware service error."""


class ReleaseNotFoundError(FirmwareServiceError):
    """No such release in this organization (another organization's release is missing too)."""


class RolloutNotFoundError(FirmwareServiceError):
    """No such rollout in this organization."""


class ImageNotFoundError(FirmwareServiceError):
    """No image under that key."""


class InvalidImageError(FirmwareServiceError):
    """The upload cannot be signed: a key outside the layout, a bad version, too large."""


class ReleaseConflictError(FirmwareServiceError):
    """This firmware family already has a different release of that version."""


class RolloutConflictError(FirmwareServiceError):
    """A rollout with that id exists already."""


class RolloutStateError(FirmwareServiceError):
    """The rollout's state does not allow the request (resume a cancelled rollout ...)."""


class InvalidRolloutRequestError(FirmwareServiceError):
    """A rollout request breaks a rule (no targets, an expired release ...)."""


class SigningKeyError(FirmwareServiceError):
    """The signing key is missing, unreadable, not Ed25519, or readable by others."""


class InvalidStatusReportError(FirmwareServiceError):
    """A device's firmware status message is not a report of this version, or not its own."""


class InvalidCursorError(FirmwareServiceError):
    """A page cursor names nothing this listing holds."""
