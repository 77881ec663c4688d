"""Errors of the device domain; each message says precisely which rule was broken."""

from __future__ import annotations

from iotsphere.domain.errors import DomainError


class DeviceDomainError(DomainError):
    """Base of every device-domain error."""


class IllegalTransitionError(DeviceDomainError):
    """A device status or command state may not move from where it is to where it was asked."""


class InvalidConfigError(DeviceDomainError):
    """A configuration document breaks its device type's schema; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class InvalidCursorError(DeviceDomainError):
    """A search cursor was not made by this search, or was tampered with."""
