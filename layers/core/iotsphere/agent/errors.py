"""Errors of the device agent; a command or configuration handler raises the refusals."""

from __future__ import annotations


class AgentError(Exception):
    """The agent could not do what was asked."""


class BrokerConnectionError(AgentError):
    """The broker could not be reached or refused the device's credentials."""


class AgentMemoryError(AgentError):
    """The agent's memory (what it must keep across restarts) could not be read or written."""


class CommandRejectedError(AgentError):
    """Raised by a command handler: the device will not run this command (reported ``rejected``)."""


class ConfigRejectedError(AgentError):
    """Raised by the configuration handler: the device keeps its configuration as it is."""
