"""The broker-security guarantees of issue 3, on the real broker with 50 device pairs.

Judged by what is **delivered**: Mosquitto grants subscriptions it then filters, and MQTT 3.1.1
drops a denied publish silently, so SUBACK and PUBACK prove nothing. Every check ends with a
marker that must arrive through the same connection after whatever must not have: once it is
there, anything that was going to be delivered has been.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
import pytest

from iotsphere.adapters.mosquitto_control import BrokerLogin, MqttControlChannel
from iotsphere.adapters.mosquitto_dynsec import DynsecBrokerIdentities
from iotsphere.adapters.mosquitto_roles import (
    CONTROL_TOPIC,
    device_inbound,
    device_outbound,
    firmware_offer,
)
from iotsphere.domain.devices import topics
from iotsphere.local.secrets import BRIDGE_USER, CLAIM_USER, REGISTRY_USER, mqtt_credentials
from tests.integration.test_mosquitto_dynsec import Probe, new_device_id

pytestmark = pytest.mark.e2e
PAIRS = 50
REVOKED_WITHIN_S = 60


@dataclass
class Device:
    id: str
    password: str
    probe: Probe


@dataclass
class Fleet:
    port: int
    home: Any
    identities: DynsecBrokerIdentities
    control: MqttControlChannel
    pairs: list[tuple[Device, Device]]  # (attacker, victim)
    platform: Probe  # the bridge's identity: sends what the platform sends devices
    watcher: Probe  # the bridge's identity: receives what devices send the platform


def evil(attacker: str) -> dict[str, Any]:
    """A broker administrator's command, as a device might try to send it."""
    return {
        "command": "createClient", "username": f"evil-{attacker}", "password": "x",
        "roles": [{"rolename": "iotsphere-bridge"}],
    }  # fmt: skip


def attack_filters(victim: str) -> list[str]:
    return [
        *device_inbound(victim),
        f"devices/{victim}/#",
        "devices/+/config/desired",
        "devices/+/commands/+",
        "devices/#",
        "#",
        "+/+/+",
        "$SYS/#",
        "$SYS/broker/version",
        "$CONTROL/#",
        topics.claim_response("+"),
    ]


@pytest.fixture(scope="module")
def fleet(stack: Any) -> Iterator[Fleet]:
    port = int(stack.config.services.mosquitto.port)
    home = stack.home.root
    channel = MqttControlChannel(
        BrokerLogin("127.0.0.1", port, *mqtt_credentials(home, REGISTRY_USER))
    )
    identities = DynsecBrokerIdentities(channel)
    platform = Probe(port, *mqtt_credentials(home, BRIDGE_USER))
    watcher = Probe(port, *mqtt_credentials(home, BRIDGE_USER))
    for inbound in (*device_outbound("+"), topics.CLAIM_REQUESTS):
        assert watcher.subscribe(inbound)
    devices: list[Device] = []
    for n in range(2 * PAIRS):
        device_id, password = new_device_id(), uuid.uuid4().hex
        identities.add(device_id, password)
        protocol = mqtt.MQTTv311 if n % 4 == 0 else mqtt.MQTTv5  # half the attackers speak 3.1.1
        probe = Probe(port, device_id, password, client_id=device_id, protocol=protocol)
        devices.append(Device(device_id, password, probe))
    assert all(d.probe.connected() for d in devices)
    pairs = [(devices[i], devices[i + 1]) for i in range(0, 2 * PAIRS, 2)]
    yield Fleet(port, home, identities, channel, pairs, platform, watcher)
    for device in devices:
        device.probe.close()
        identities.remove(device.id)
    for victim in (v for _a, v in pairs):  # retained desired configurations
        platform.publish(topics.desired_config(victim.id), b"", retain=True)
    platform.close()
    watcher.close()
    channel.close()


def test_no_device_reaches_another_devices_topics_by_publish_subscribe_or_wildcard(fleet: Fleet):
    for _attacker, victim in fleet.pairs:
        fleet.platform.publish(
            topics.desired_config(victim.id), f"desired-{victim.id}".encode(), retain=True
        )
        for own in device_inbound(victim.id):
            assert victim.probe.subscribe(own)
        assert victim.probe.wait_for(f"desired-{victim.id}".encode())  # the retained one
    for attacker, victim in fleet.pairs:
        assert attacker.probe.subscribe(topics.command(attacker.id, "+"))
        for attack in attack_filters(victim.id):
            attacker.probe.subscribe(attack)  # granted or not: what arrives is judged below
        forged = f"forged-by-{attacker.id}".encode()
        for topic in (*device_outbound(victim.id), *device_inbound(victim.id)):
            attacker.probe.publish(topic.replace("+", "c9"), forged)
        attacker.probe.publish(topics.claim_request(f"SN-{attacker.id}"), forged)
        attacker.probe.publish(
            CONTROL_TOPIC, json.dumps({"commands": [evil(attacker.id)]}).encode()
        )
    made = fleet.control.request(  # its answers must reach no attacker either
        [{"command": "getClient", "username": f"evil-{a.id}"} for a, _v in fleet.pairs]
    )
    assert {answer.get("error") for answer in made} == {"Client not found"}
    for attacker, victim in fleet.pairs:
        fleet.platform.publish(topics.command(victim.id, "c1"), f"command-{victim.id}".encode())
        fleet.platform.publish(firmware_offer(victim.id), f"offer-{victim.id}".encode())
        fleet.platform.publish(topics.command(victim.id, "c2"), f"end-{victim.id}".encode())
        fleet.platform.publish(topics.command(attacker.id, "c2"), f"end-{attacker.id}".encode())
        attacker.probe.publish(topics.telemetry(attacker.id), f"end-{attacker.id}".encode())
    for attacker, victim in fleet.pairs:
        assert victim.probe.wait_for(f"end-{victim.id}".encode())
        assert attacker.probe.wait_for(f"end-{attacker.id}".encode())
        assert fleet.watcher.wait_for(f"end-{attacker.id}".encode())
    for attacker, victim in fleet.pairs:
        assert victim.probe.payloads() == {
            f"{what}-{victim.id}".encode() for what in ("desired", "command", "offer", "end")
        }
        assert attacker.probe.payloads() == {f"end-{attacker.id}".encode()}
    assert not any(p.startswith(b"forged") for p in fleet.watcher.payloads())


def test_no_one_takes_over_a_devices_client_id(fleet: Fleet):
    claim_user, claim_password = mqtt_credentials(fleet.home, CLAIM_USER)
    for attacker, victim in fleet.pairs:
        takeovers = [
            Probe(fleet.port, attacker.id, attacker.password, client_id=victim.id),
            Probe(fleet.port, claim_user, claim_password, client_id=victim.id),
            Probe(fleet.port, "nobody", "nothing", client_id=victim.id),
        ]
        try:
            assert not any(t.connected() for t in takeovers)
        finally:
            for takeover in takeovers:
                takeover.close()
    for _attacker, victim in fleet.pairs:
        assert not victim.probe.dropped.is_set()
        fleet.platform.publish(topics.command(victim.id, "c3"), f"still-{victim.id}".encode())
        assert victim.probe.wait_for(f"still-{victim.id}".encode())


@pytest.mark.parametrize("protocol", [mqtt.MQTTv5, mqtt.MQTTv311])
def test_wrong_or_absent_credentials_are_refused(fleet: Fleet, protocol: int):
    attacker, victim = fleet.pairs[0]
    attempts = [
        Probe(fleet.port, None, None, protocol=protocol),
        Probe(fleet.port, victim.id, None, client_id=victim.id, protocol=protocol),
        Probe(fleet.port, victim.id, "", client_id=victim.id, protocol=protocol),
        Probe(fleet.port, victim.id, attacker.password, client_id=victim.id, protocol=protocol),
        Probe(
            fleet.port, victim.id, victim.password.upper(), client_id=victim.id, protocol=protocol
        ),
        Probe(fleet.port, f"d{uuid.uuid4().hex[:20]}", "guess", protocol=protocol),
    ]
    try:
        assert [a.connected() for a in attempts] == [False] * len(attempts)
    finally:
        for attempt in attempts:
            attempt.close()
    assert not victim.probe.dropped.is_set()


def test_the_claim_credential_reaches_only_the_provisioning_topics(fleet: Fleet):
    _attacker, victim = fleet.pairs[1]
    claimer = Probe(fleet.port, *mqtt_credentials(fleet.home, CLAIM_USER), client_id=CLAIM_USER)
    try:
        assert claimer.connected()
        for attack in ("devices/#", "#", f"devices/{victim.id}/commands/+"):
            claimer.subscribe(attack)
        assert claimer.subscribe(topics.claim_response("SN-1"))
        claimer.publish(topics.telemetry(victim.id), b"forged-by-claim")
        claimer.publish(topics.claim_response("SN-1"), b"forged-answer")
        fleet.platform.publish(topics.command(victim.id, "c4"), f"claim-end-{victim.id}".encode())
        claimer.publish(topics.claim_request("SN-1"), b"claim-SN-1")
        fleet.platform.publish(topics.claim_response("SN-1"), b"answer-SN-1")
        assert fleet.watcher.wait_for(b"claim-SN-1")
        assert claimer.wait_for(b"answer-SN-1")
        assert victim.probe.wait_for(f"claim-end-{victim.id}".encode())
        assert claimer.payloads() == {b"answer-SN-1"}
        assert b"forged-by-claim" not in fleet.watcher.payloads()
    finally:
        claimer.close()


def test_a_revoked_device_is_dropped_within_a_minute_and_refused_after(fleet: Fleet):
    device_id, password = new_device_id(), uuid.uuid4().hex
    fleet.identities.add(device_id, password)
    live = Probe(fleet.port, device_id, password, client_id=device_id)
    try:
        assert live.connected()
        fleet.identities.remove(device_id)
        assert live.dropped.wait(REVOKED_WITHIN_S)
        again = Probe(fleet.port, device_id, password, client_id=device_id)
        assert not again.connected()
        again.close()
    finally:
        live.close()
