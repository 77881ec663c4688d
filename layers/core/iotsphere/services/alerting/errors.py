"""Errors the alerting services raise and the alerting adapters translate into."""

from __future__ import annotations

from iotsphere.services.errors import ServiceError


class AlertingServiceError(ServiceError):
    """Base of every alerting service error."""


class NotFoundError(AlertingServiceError):
    """No such object in this organization (another organization's object is missing too)."""


class ConcurrentUpdateError(AlertingServiceError):
    """Someone saved the object since it was read; read again and retry (the queue redelivers)."""


class InvalidCursorError(AlertingServiceError):
    """A page cursor this listing did not hand out (or one that was tampered with)."""


class BacktestRangeError(AlertingServiceError):
    """The time range cannot be backtested; the message says why."""
