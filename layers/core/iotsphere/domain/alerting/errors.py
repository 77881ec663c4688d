"""Errors of the alerting domain."""

from __future__ import annotations

from typing import Self

from pydantic import ValidationError

from iotsphere.domain.errors import DomainError


class AlertingError(DomainError):
    """Base of every alerting error."""


class FieldValidationError(AlertingError):
    """Input that cannot be saved: ``path`` names the field (``condition.clear``), ``reason``
    says why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    @classmethod
    def first_of(cls, exc: ValidationError) -> Self:
        """The first problem pydantic found, with its location as the path."""
        first = exc.errors()[0]
        return cls(".".join(str(part) for part in first["loc"]) or "body", first["msg"])


class RuleValidationError(FieldValidationError):
    """A rule cannot be saved."""


class SilenceValidationError(FieldValidationError):
    """A silence cannot be saved."""


class AlarmLifecycleError(AlertingError):
    """An action that the alarm's current state does not allow (acknowledging twice, ...)."""
