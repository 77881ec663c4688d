"""Errors of the notification services; the HTTP layer maps each to one status code."""

from __future__ import annotations

from iotsphere.services.errors import ServiceError


class NotificationsServiceError(ServiceError):
    """Base of every notification service error."""


class NotFoundError(NotificationsServiceError):
    """No such object for this caller in this organization (another organization's too): 404."""


class ForbiddenError(NotificationsServiceError):
    """The caller's role does not allow this (a team subscription needs an operator): 403."""


class ConflictError(NotificationsServiceError):
    """The object's state does not allow this (only a dead delivery can be redriven): 409."""


class InvalidSubscriptionError(NotificationsServiceError):
    """Well-formed input that cannot be saved (422); ``field`` names the value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class DeliveryFailedError(NotificationsServiceError):
    """A channel could not deliver. ``permanent`` when trying again cannot help (a 4xx other
    than 408/429, a refused address); ``status_code`` when the channel answered with one."""

    def __init__(self, reason: str, status_code: int | None = None, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code
        self.permanent = permanent
