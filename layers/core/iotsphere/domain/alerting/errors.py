"""Errors of the alerting domain."""

from __future__ import annotations

from iotsphere.domain.errors import DomainError


class AlertingError(DomainError):
    """Base of every alerting error."""


class RuleValidationError(AlertingError):
    """A rule cannot be saved; ``path`` names the field (``condition.clear``) and ``reason`` why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class AlarmLifecycleError(AlertingError):
    """An action that the alarm's current state does not allow (acknowledging twice, ...)."""
