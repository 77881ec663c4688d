"""The generated Mosquitto and InfluxDB configs."""

from pathlib import Path

from iotsphere.local.config import StackConfig
from iotsphere.local.home import StackHome
from iotsphere.local.secrets import BENCH_USER, BRIDGE_USER, SIMULATOR_USER
from iotsphere.local.service_configs import influxdb_conf, mosquitto_acl, mosquitto_conf

CONFIG = StackConfig.model_validate(
    {"services": {"mosquitto": {"port": 21999}, "influxdb": {"port": 28111, "rpc_port": 28112}}}
)


def lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines()}


def test_mosquitto_listens_on_loopback_only_and_admits_no_anonymous_client(tmp_path: Path):
    home = StackHome.at(tmp_path)
    conf = lines(mosquitto_conf(CONFIG, home))
    assert "listener 21999 127.0.0.1" in conf
    assert "allow_anonymous false" in conf
    assert f"password_file {home.etc / 'mosquitto.passwd'}" in conf
    assert f"acl_file {home.etc / 'mosquitto.acl'}" in conf
    assert not any(line.startswith("listener") and "127.0.0.1" not in line for line in conf)


def test_mosquitto_keeps_messages_under_load_and_writes_everything_into_the_home(tmp_path: Path):
    home = StackHome.at(tmp_path)
    conf = lines(mosquitto_conf(CONFIG, home))
    assert {
        "max_inflight_messages 0",
        "max_queued_messages 1000000",
        "max_queued_bytes 0",
        "persistence true",
        "set_tcp_nodelay true",
    } <= conf
    assert f"persistence_location {home.data / 'mosquitto'}/" in conf
    assert f"log_dest file {home.logs / 'mosquitto.log'}" in conf


def test_the_acl_lets_the_bridge_read_telemetry_and_the_simulator_only_write():
    acl = mosquitto_acl()
    bridge, simulator, bench = acl.strip().split("\n\n")
    assert bridge.splitlines()[0] == f"user {BRIDGE_USER}"
    assert "topic read devices/+/telemetry" in bridge
    assert simulator.splitlines() == [f"user {SIMULATOR_USER}", "topic write devices/#"]
    assert bench.splitlines() == [f"user {BENCH_USER}", "topic readwrite bench/#"]


def test_influxdb_binds_loopback_keeps_data_in_the_home_and_phones_nowhere(tmp_path: Path):
    home = StackHome.at(tmp_path)
    conf = influxdb_conf(CONFIG, home)
    assert 'bind-address = "127.0.0.1:28111"' in conf
    assert 'bind-address = "127.0.0.1:28112"' in conf
    assert "reporting-disabled = true" in conf
    assert "log-enabled = false" in conf
    assert "store-enabled = false" in conf
    for folder in ("meta", "data", "wal"):
        assert f'"{home.data / "influxdb" / folder}"' in conf
    udp = conf.split("[[udp]]")[1]
    assert "enabled = false" in udp
