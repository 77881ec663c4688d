"""Errors of the local stack; each message says what went wrong and what to do about it."""

from __future__ import annotations


class StackError(Exception):
    """The local stack could not do what was asked."""


class PortTakenError(StackError):
    """A port a service needs is already in use by something else."""


class BinaryMissingError(StackError):
    """A program a service runs is not installed."""


class HealthCheckError(StackError):
    """A service started but did not become healthy (or exited) in time."""


class ProvisioningError(StackError):
    """Queues, buckets, the database or indexes could not be created."""
