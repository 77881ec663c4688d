import argparse
import json

import pytest

from iotsphere.simulator import main
from iotsphere.simulator.connection import mqtt_target, stack_config
from iotsphere.simulator.errors import ConnectionSettingsError
from iotsphere.simulator.publisher import MqttTarget


@pytest.fixture
def stack_files(tmp_path):
    config = tmp_path / "stack.yml"
    config.write_text("services:\n  mosquitto:\n    port: 31999\nsimulator:\n  devices: 3\n")
    home = tmp_path / "home"
    home.mkdir()
    (home / "secrets.json").write_text(json.dumps({"mqtt": {"iotsphere-simulator": "s3cret"}}))
    return config, home


def test_the_local_stack_gives_the_port_and_the_simulator_user(stack_files):
    config_path, home = stack_files
    config = stack_config(str(config_path), port=None)
    target = mqtt_target("127.0.0.1", None, config, None, None, str(home))
    assert target == MqttTarget("127.0.0.1", 31999, "iotsphere-simulator", "s3cret")


def test_explicit_flags_beat_the_stack_files(stack_files):
    _, home = stack_files
    assert stack_config("missing.yml", port=1883) is None
    target = mqtt_target("10.0.0.2", 1883, None, "dev", "pw", str(home))
    assert target == MqttTarget("10.0.0.2", 1883, "dev", "pw")


def test_never_anonymous(tmp_path):
    with pytest.raises(ConnectionSettingsError, match="password"):
        mqtt_target("127.0.0.1", 1883, None, "dev", None, None)
    with pytest.raises(ConnectionSettingsError, match=r"secrets\.json"):
        mqtt_target("127.0.0.1", 1883, None, None, None, None)
    with pytest.raises(ConnectionSettingsError, match="iotsphere-simulator"):
        mqtt_target("127.0.0.1", 1883, None, None, None, str(tmp_path))


def test_a_missing_stack_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConnectionSettingsError, match="not found"):
        stack_config(str(tmp_path / "nope.yml"), port=None)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    main.add_arguments(parser)
    return parser.parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ("--port", "1", "--username", "u"),
        ("--port", "1", "--username", "u", "--password", "p", "--rate", "2000"),
        ("--port", "1", "--username", "u", "--password", "p", "--faults", "flood"),
        ("--port", "1", "--username", "u", "--password", "p", "--devices", "0"),
    ],
)
def test_bad_arguments_exit_2_before_connecting(argv, capsys):
    assert main.run(parse(*argv)) == 2
    assert "simulate:" in capsys.readouterr().err


def test_an_unreachable_broker_exits_2(capsys):
    args = parse("--port", "1", "--username", "u", "--password", "p")
    assert main.run(args) == 2
    assert "127.0.0.1:1" in capsys.readouterr().err
