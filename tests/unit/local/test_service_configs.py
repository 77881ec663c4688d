"""The generated Mosquitto and InfluxDB configs."""

import json
import stat
from pathlib import Path

import pytest

from iotsphere.adapters.mosquitto_dynsec_file import password_matches
from iotsphere.local.config import StackConfig
from iotsphere.local.errors import StackError
from iotsphere.local.home import StackHome
from iotsphere.local.infra_services import mosquitto_service
from iotsphere.local.secrets import (
    BENCH_USER,
    BRIDGE_USER,
    CLAIM_USER,
    MQTT_USERS,
    REGISTRY_USER,
    SIMULATOR_USER,
)
from iotsphere.local.service_configs import (
    DYNSEC_PLUGIN,
    DYNSEC_STATE,
    influxdb_conf,
    mosquitto_conf,
    service_identities,
    write_dynsec_state,
)
from iotsphere.local.service_specs import SpecContext

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
    assert f"plugin {DYNSEC_PLUGIN}" in conf
    assert f"plugin_opt_config_file {home.etc / DYNSEC_STATE}" in conf
    assert not any(line.startswith(("password_file", "acl_file")) for line in conf)
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


PASSWORDS = {user: f"pw-{user}" for user in MQTT_USERS}


def identities():
    return {i.username: i for i in service_identities(CONFIG, PASSWORDS)}


def topics_of(identity, *acltypes):
    return {a["topic"] for a in identity.acls if a["acltype"] in acltypes and a["allow"]}


def test_each_service_has_its_own_identity_and_only_the_claim_client_id_is_fixed():
    found = identities()
    assert set(found) == set(MQTT_USERS)
    assert {name for name, i in found.items() if i.clientid} == {CLAIM_USER}
    assert found[CLAIM_USER].clientid == CLAIM_USER


def test_the_bridge_receives_what_devices_send_and_sends_only_what_devices_receive():
    bridge = identities()[BRIDGE_USER]
    received = topics_of(bridge, "publishClientReceive")
    assert topics_of(bridge, "subscribePattern") == received | {f"$share/+/{t}" for t in received}
    assert received == {
        "devices/+/telemetry", "devices/+/status", "devices/+/config/reported",
        "devices/+/commands/+/result", "devices/+/firmware/status", "provisioning/claims/+",
    }  # fmt: skip
    assert topics_of(bridge, "publishClientSend") == {
        "devices/+/config/desired", "devices/+/commands/+", "devices/+/firmware/offer",
        "provisioning/claims/+/response",
    }  # fmt: skip


def test_the_simulator_only_sends_as_a_fleet_would_and_the_bench_stays_in_its_corner():
    found = identities()
    simulator = found[SIMULATOR_USER]
    assert topics_of(simulator, "subscribePattern", "publishClientReceive") == set()
    assert "devices/+/telemetry" in topics_of(simulator, "publishClientSend")
    assert not any(
        "desired" in t or t.endswith("commands/+")
        for t in topics_of(simulator, "publishClientSend")
    )
    assert {a["topic"] for a in found[BENCH_USER].acls} == {"bench/#"}


def test_only_the_registry_reaches_the_control_topic_and_it_reaches_nothing_else():
    for name, identity in identities().items():
        control = {t for t in topics_of(identity, "publishClientSend") if t.startswith("$CONTROL")}
        assert bool(control) == (name == REGISTRY_USER)
    assert all(
        a["topic"].startswith("$CONTROL/dynamic-security/v1")
        for a in identities()[REGISTRY_USER].acls
    )


def test_the_plugin_state_gets_the_services_denies_by_default_and_keeps_device_identities(
    tmp_path: Path,
):
    file = tmp_path / DYNSEC_STATE
    device = {"username": "dabc", "clientid": "dabc", "roles": [{"rolename": "device-dabc"}]}
    file.write_text(
        json.dumps({"clients": [device], "roles": [{"rolename": "device-dabc", "acls": []}]})
    )
    write_dynsec_state(file, service_identities(CONFIG, PASSWORDS))
    state = json.loads(file.read_text())
    assert state["defaultACLAccess"] == {
        "publishClientSend": False, "publishClientReceive": False, "subscribe": False,
        "unsubscribe": True,
    }  # fmt: skip
    clients = {c["username"]: c for c in state["clients"]}
    assert clients["dabc"] == device
    assert {r["rolename"] for r in state["roles"]} == {"device-dabc", *MQTT_USERS}
    for user in MQTT_USERS:
        assert password_matches(clients[user], PASSWORDS[user])
        assert PASSWORDS[user] not in file.read_text()
    assert stat.S_IMODE(file.stat().st_mode) == 0o600


def test_bootstrapping_again_changes_nothing_and_a_new_password_replaces_only_its_hash(
    tmp_path: Path,
):
    file = tmp_path / DYNSEC_STATE
    write_dynsec_state(file, service_identities(CONFIG, PASSWORDS))
    first = file.read_text()
    write_dynsec_state(file, service_identities(CONFIG, PASSWORDS))
    assert file.read_text() == first
    changed = {**PASSWORDS, BRIDGE_USER: "rotated"}
    write_dynsec_state(file, service_identities(CONFIG, changed))
    before = {c["username"]: c for c in json.loads(first)["clients"]}
    after = {c["username"]: c for c in json.loads(file.read_text())["clients"]}
    assert password_matches(after[BRIDGE_USER], "rotated")
    assert {u: c for u, c in after.items() if u != BRIDGE_USER} == {
        u: c for u, c in before.items() if u != BRIDGE_USER
    }


def test_a_broken_state_file_stops_the_start_with_what_to_do(tmp_path: Path):
    file = tmp_path / DYNSEC_STATE
    file.write_text("[1, 2]")
    with pytest.raises(StackError, match="move it away"):
        write_dynsec_state(file, service_identities(CONFIG, PASSWORDS))


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


def test_preparing_mosquitto_writes_its_config_and_the_plugin_state_with_the_stack_passwords(
    tmp_path: Path,
):
    home = StackHome.at(tmp_path)
    ctx = SpecContext(CONFIG, home, tmp_path / "stack.yml", tmp_path)
    spec = mosquitto_service(ctx)
    assert spec.prepare is not None
    spec.prepare()
    spec.prepare()  # the next `up`
    conf = lines((home.etc / "mosquitto.conf").read_text())
    assert f"plugin_opt_config_file {home.etc / DYNSEC_STATE}" in conf
    state = json.loads((home.etc / DYNSEC_STATE).read_text())
    clients = {c["username"]: c for c in state["clients"]}
    passwords = json.loads((tmp_path / "secrets.json").read_text())["mqtt"]
    assert set(clients) == set(MQTT_USERS)
    assert all(password_matches(clients[user], passwords[user]) for user in MQTT_USERS)
