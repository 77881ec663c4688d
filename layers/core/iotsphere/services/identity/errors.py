"""Errors of the identity services; the HTTP layer maps each to one status code."""

from __future__ import annotations

from iotsphere.services.errors import ServiceError


class IdentityError(ServiceError):
    """Base of every identity error."""


class AuthenticationError(IdentityError):
    """No, a malformed, an expired or a revoked credential (401). The message never says which
    part of a login was wrong."""


class ForbiddenError(IdentityError):
    """The caller is known but its role does not allow this (403)."""


class ThrottledError(IdentityError):
    """Too many attempts; try again after ``retry_after_s`` seconds (429)."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class NotFoundError(IdentityError):
    """No such object in the caller's organization; another organization's looks the same (404)."""


class ConflictError(IdentityError):
    """The object exists already or the change would break an invariant (409)."""


class InvalidInputError(IdentityError):
    """Well-formed input that breaks a rule (422); ``field`` is the path of the offending value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
