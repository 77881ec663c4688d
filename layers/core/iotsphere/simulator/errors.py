"""Errors of the simulator; each message says what went wrong and what to do about it."""

from __future__ import annotations


class SimulatorError(Exception):
    """The simulator could not do what was asked."""


class ConnectionSettingsError(SimulatorError):
    """No broker port or no credentials: the simulator never connects anonymously."""


class PublisherError(SimulatorError):
    """The broker could not be reached or refused the connection."""


class FaultSpecError(SimulatorError, ValueError):
    """A ``--faults`` value names an unknown kind or a rate outside 0..1."""
