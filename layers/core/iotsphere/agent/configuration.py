"""The desired configuration, applied whole, newest version only; the whole result reported.

The retained desired configuration arrives on every connection: a version the agent applied
already changes nothing. A handler that refuses (``ConfigRejectedError``) leaves the device as it
was; the report then shows the platform that the delta is still open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iotsphere.agent.errors import ConfigRejectedError
from iotsphere.agent.memory import AgentState
from iotsphere.domain.devices.messages import DesiredConfigMessage, ReportedConfigMessage

ConfigHandler = Callable[[dict[str, Any]], dict[str, Any]]  # desired -> configuration in force


def report(state: AgentState) -> tuple[ReportedConfigMessage, AgentState]:
    """The whole configuration under the next report number."""
    state = state.model_copy(update={"reported_version": state.reported_version + 1})
    message = ReportedConfigMessage(
        reported_version=state.reported_version,
        state=state.config,
        applied_desired_version=state.applied_desired_version,
    )
    return message, state


def apply_desired(
    message: DesiredConfigMessage, state: AgentState, handler: ConfigHandler
) -> tuple[ReportedConfigMessage | None, AgentState]:
    if message.desired_version <= state.applied_desired_version:
        return None, state
    try:
        config = handler(dict(message.state))
    except ConfigRejectedError:
        return report(state)
    applied = state.model_copy(
        update={"config": config, "applied_desired_version": message.desired_version}
    )
    return report(applied)
