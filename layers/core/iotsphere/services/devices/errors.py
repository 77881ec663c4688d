"""Errors of the device services; the HTTP layer maps each to one status code."""

from __future__ import annotations

from iotsphere.services.errors import ServiceError


class DeviceServiceError(ServiceError):
    """Base of every device-service error."""


class NotFoundError(DeviceServiceError):
    """No such object in the caller's organization; another organization's looks the same (404)."""


class ConflictError(DeviceServiceError):
    """The object exists already, or the change would break an invariant (409)."""


class AlreadyExistsError(ConflictError):
    """A repository refused a record whose unique key is taken; ``key`` names it."""

    def __init__(self, key: str) -> None:
        super().__init__(f"{key} already exists")
        self.key = key


class NameTakenError(ConflictError):
    """Another device of the organization has this name (409); ``field`` is where it was given."""

    def __init__(self, field: str, name: str) -> None:
        super().__init__(f"{field}: a device named {name!r} exists already")
        self.field = field
        self.name = name


class StaleVersionError(ConflictError):
    """The caller's expected version is not the current one (409; re-read and retry)."""


class InvalidInputError(DeviceServiceError):
    """Well-formed input that breaks a rule (422); ``field`` is the path of the offending value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ClaimRefusedError(DeviceServiceError):
    """A claim names a serial that is not on the allowlist or was claimed already."""
