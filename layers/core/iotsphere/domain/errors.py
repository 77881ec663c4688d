"""Errors of the domain."""


class DomainError(Exception):
    """Base of every error the domain raises."""


class InvalidReadingError(DomainError):
    """A reading breaks the telemetry contract; the message says which rule, precisely."""


class EnvelopeError(DomainError):
    """An SQS message body is not an envelope of this version."""
