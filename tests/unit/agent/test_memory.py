"""The agent's memory on disk: round trip, private file, unreadable file."""

import stat
from pathlib import Path

import pytest

from iotsphere.agent import AgentMemoryError, AgentState, JsonFileMemory
from iotsphere.domain.devices.messages import CommandResultMessage


def test_state_survives_a_round_trip_in_a_private_file(tmp_path: Path):
    memory = JsonFileMemory(tmp_path / "agent.json")
    assert memory.load() is None
    result = CommandResultMessage(command_id="cmd00001", status="succeeded", result={"a": 1})
    state = AgentState(reported_version=7, firmware_version="1.2.9").with_result(result)
    memory.save(state)
    assert memory.load() == state
    assert stat.S_IMODE((tmp_path / "agent.json").stat().st_mode) == 0o600


def test_an_unreadable_memory_says_which_file(tmp_path: Path):
    (tmp_path / "agent.json").write_text("{")
    with pytest.raises(AgentMemoryError, match=r"agent\.json"):
        JsonFileMemory(tmp_path / "agent.json").load()


def test_only_the_newest_results_are_kept():
    state = AgentState(firmware_version="1")
    for n in range(510):
        state = state.with_result(
            CommandResultMessage(command_id=f"cmd{n:05d}", status="succeeded")
        )
    assert len(state.results) == 500
    assert "cmd00009" not in state.results
    assert "cmd00509" in state.results
