"""Errors of the notifications domain."""

from __future__ import annotations

from iotsphere.domain.errors import DomainError


class NotificationsError(DomainError):
    """Base of every notifications error."""


class SubscriptionValidationError(NotificationsError):
    """A subscription that cannot be saved: ``field`` names the value, ``reason`` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
