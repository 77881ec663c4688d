"""Which functions the local runner starts: the stack file's queue triggers, and every schedule the
app declares unless ``schedules:`` overrides its rate or turns it off."""

from pathlib import Path

import pytest

from iotsphere.local.config import StackConfig, StackConfigError, load_stack_config
from iotsphere.local.functions_app import resolve_targets

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"


def schedules_of(schedules: dict[str, str]) -> dict[str, str | None]:
    config = StackConfig.model_validate({"schedules": schedules})
    return {t.name: t.schedule for t in resolve_targets(config, FUNCTIONS) if not t.queue}


def test_every_schedule_the_app_declares_fires_at_its_own_rate_by_default():
    fired = schedules_of({})
    assert fired["advance_firmware_rollouts"] == "rate(1 minute)"
    assert fired["sweep_missing_data"] == "rate(1 minute)"


def test_a_schedule_can_fire_at_another_rate_locally():
    fired = schedules_of({"sweep_missing_data": "rate(5 minutes)"})
    assert fired["sweep_missing_data"] == "rate(5 minutes)"
    assert fired["advance_firmware_rollouts"] == "rate(1 minute)"


def test_a_schedule_turned_off_gets_no_worker_and_the_others_keep_theirs():
    fired = schedules_of({"advance_firmware_rollouts": "off"})
    assert "advance_firmware_rollouts" not in fired
    assert fired["sweep_missing_data"] == "rate(1 minute)"


def test_an_unknown_schedule_name_is_refused_with_the_names_there_are():
    with pytest.raises(StackConfigError) as raised:
        schedules_of({"advance_rollouts": "off"})
    message = str(raised.value)
    assert "schedules.advance_rollouts" in message
    assert "advance_firmware_rollouts" in message


def test_an_override_the_runner_cannot_fire_is_refused_before_anything_starts():
    with pytest.raises(StackConfigError, match=r"schedules\.sweep_missing_data"):
        schedules_of({"sweep_missing_data": "cron(0 * * * ? *)"})


def test_off_written_bare_in_yaml_reads_as_off(tmp_path: Path):
    """YAML 1.1 reads a bare ``off`` as false: the stack file means the word."""
    stack = tmp_path / "stack.yml"
    stack.write_text("schedules:\n  advance_firmware_rollouts: off\n")
    assert load_stack_config(stack).schedules == {"advance_firmware_rollouts": "off"}
