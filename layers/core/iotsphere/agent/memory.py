"""What the agent keeps across restarts: its report counter (the platform drops a report older
than the last one it stored), the configuration and desired version it applied, its firmware
version and the results of the commands it ran (so a redelivered command never runs twice)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from iotsphere.adapters.private_file import write_private_file
from iotsphere.agent.errors import AgentMemoryError
from iotsphere.domain.devices.messages import CommandResultMessage

KEPT_RESULTS = 500


class AgentState(BaseModel):
    model_config = ConfigDict(frozen=True)

    reported_version: int = 0
    applied_desired_version: int = 0
    config: dict[str, Any] = Field(default_factory=dict)
    firmware_version: str
    results: dict[str, CommandResultMessage] = Field(default_factory=dict)  # by command id

    def with_result(self, result: CommandResultMessage) -> AgentState:
        results = {**self.results, result.command_id: result}
        return self.model_copy(update={"results": dict(list(results.items())[-KEPT_RESULTS:])})


class AgentMemory(Protocol):
    def load(self) -> AgentState | None: ...

    def save(self, state: AgentState) -> None: ...


class InMemory:
    """For tests and simulated devices that live as long as their process."""

    def __init__(self, state: AgentState | None = None) -> None:
        self.state = state

    def load(self) -> AgentState | None:
        return self.state

    def save(self, state: AgentState) -> None:
        self.state = state


class JsonFileMemory:
    """One JSON file, replaced whole on every save (never half-written)."""

    def __init__(self, file: Path) -> None:
        self._file = file

    def load(self) -> AgentState | None:
        try:
            return AgentState.model_validate_json(self._file.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValidationError) as exc:
            raise AgentMemoryError(f"{self._file}: unreadable agent memory ({exc})") from exc

    def save(self, state: AgentState) -> None:
        try:
            write_private_file(self._file, state.model_dump_json())
        except OSError as exc:
            raise AgentMemoryError(f"{self._file}: cannot save agent memory ({exc})") from exc
