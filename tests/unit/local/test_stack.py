"""The stack as configured: its services, their commands and environment; status and down."""

import argparse
import json
from pathlib import Path

import pytest

from iotsphere.local import commands
from iotsphere.local.config import StackConfig
from iotsphere.local.stack import Stack, child_env, find_project_root
from iotsphere.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "samplelocal.yml"


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    return Stack.from_file(SAMPLE, tmp_path / "home")


def test_the_services_in_start_order(stack: Stack):
    assert stack.infra == ["mosquitto", "influxdb", "mongodb", "localstack", "mail"]
    assert stack.platform == ["runner", "bridge", "api", "web", "simulator"]


def test_a_mongodb_url_means_no_local_mongodb_process(tmp_path: Path):
    config = StackConfig.model_validate({"services": {"mongodb": {"url": "mongodb://db:27017"}}})
    stack = Stack(config, SAMPLE, tmp_path)
    assert "mongodb" not in stack.specs
    assert ("mongodb", "external") in [(s.name, s.state) for s in stack.status()]


def test_a_simulator_without_faults_sends_clean_data(tmp_path: Path):
    config = StackConfig.model_validate({"simulator": {"faults": ""}})
    simulator = Stack(config, SAMPLE, tmp_path).specs["simulator"].command()
    assert simulator[-2:] == ["admin@iotsphere.local", "--starter-rules"]


def test_platform_processes_run_with_this_stacks_config_and_home(stack: Stack):
    runner = stack.specs["runner"].command()
    assert runner[1:] == ["runner", "--config", str(SAMPLE), "--home", str(stack.home.root)]
    simulator = stack.specs["simulator"].command()
    assert simulator[-11:] == [
        "--devices",
        "5",
        "--rate",
        "1.0",
        "--register-as",
        "admin@iotsphere.local",
        "--starter-rules",
        "--faults",
        "spike=0.005",
        "--fault-rate",
        "0",
    ]
    api = stack.specs["api"]
    assert api.cwd == ROOT / "functions"
    assert api.command()[1:] == [
        "api",
        "--config",
        str(SAMPLE),
        "--home",
        str(stack.home.root),
        "--port",
        "8000",
    ]


def test_the_stack_signs_tokens_with_one_secret_kept_in_its_home(stack: Stack, tmp_path):
    again = Stack(stack.config, SAMPLE, stack.home.root)
    secret = stack.settings.token_secret.get_secret_value()
    assert len(secret) >= 32
    assert again.settings.token_secret.get_secret_value() == secret
    assert stack.env[Settings.env_name("token_secret")] == secret


def test_children_get_the_stack_settings_and_localstack_keys(stack: Stack):
    env = child_env(stack.config)
    assert env["IOTSPHERE_INFLUX_URL"] == "http://127.0.0.1:18086"
    assert env["IOTSPHERE_AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert (env["AWS_ACCESS_KEY_ID"], env["AWS_DEFAULT_REGION"]) == ("test", "us-east-1")
    assert env["PYTHONUNBUFFERED"] == "1"
    assert stack.specs["localstack"].env["GATEWAY_LISTEN"] == "127.0.0.1:4566"


def test_the_project_root_is_found_from_a_config_in_a_subfolder():
    assert find_project_root(ROOT / "tests" / "stack.yml") == ROOT


def test_a_fresh_home_has_nothing_running_and_down_stops_nothing(stack: Stack):
    assert {s.state for s in stack.status()} == {"stopped"}
    assert stack.down() == []


def test_down_drops_a_stale_pid_file_and_signals_nobody(stack: Stack):
    stack.home.create()
    stale = stack.home.pid_file("influxdb")
    stale.write_text(json.dumps({"pid": 999_999_999, "started": 1, "argv": ["influxd"]}))
    assert stack.down() == []
    assert not stale.exists()


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    commands.add_arguments(parser)
    return commands.run(parser.parse_args(argv))


def test_status_prints_every_service(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert run("status", "--config", str(SAMPLE), "--home", str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "mosquitto" in out
    assert "stopped" in out


def test_an_error_is_one_line_and_exit_code_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert run("status", "--config", str(tmp_path / "none.yml")) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "not found" in err
    assert "Traceback" not in err
