"""Device identities on the real broker: the dynamic-security adapter and the platform's own
identities of the test stack. Judged by what the broker delivers, not by what it acknowledges."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from iotsphere.adapters.mosquitto_control import BrokerLogin, MqttControlChannel
from iotsphere.adapters.mosquitto_dynsec import BrokerIdentityError, DynsecBrokerIdentities
from iotsphere.local.secrets import (
    BENCH_USER,
    BRIDGE_USER,
    REGISTRY_USER,
    SIMULATOR_USER,
    mqtt_credentials,
)
from iotsphere.services.errors import StoreUnavailableError

pytestmark = pytest.mark.integration
WAIT_S = 10.0


class Probe:
    """One MQTT client that records its connection, subscriptions and deliveries. It never
    reconnects on its own: a dropped probe stays dropped."""

    def __init__(
        self,
        port: int,
        username: str | None,
        password: str | None,
        client_id: str | None = None,
        protocol: int = mqtt.MQTTv5,
    ) -> None:
        self.client_id = client_id or f"probe-{uuid.uuid4().hex[:10]}"
        self.received: list[tuple[str, bytes]] = []
        self.answered = threading.Event()  # CONNACK, either way
        self.dropped = threading.Event()
        self.refusal = ""
        self._arrived = threading.Condition()
        self._subacks: dict[int, list[Any]] = {}
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=self.client_id, protocol=protocol
        )
        if username is not None:
            self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port, keepalive=30)
        self.client.loop_start()

    def connected(self) -> bool:
        """Wait for the CONNACK; True if the broker let the probe in."""
        assert self.answered.wait(WAIT_S), f"{self.client_id}: no CONNACK"
        return not self.refusal and not self.dropped.is_set()

    def subscribe(self, topic: str) -> bool:
        """Whether the broker granted it (which alone proves nothing about delivery)."""
        _rc, mid = self.client.subscribe(topic, qos=1)
        with self._arrived:
            assert self._arrived.wait_for(lambda: mid in self._subacks, WAIT_S), topic
            return not self._subacks[mid][0].is_failure

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(WAIT_S)

    def wait_for(self, payload: bytes, timeout: float = WAIT_S) -> bool:
        return self.wait_until(lambda: any(p == payload for _t, p in self.received), timeout)

    def wait_until(self, arrived: Callable[[], object], timeout: float = WAIT_S) -> bool:
        """Whether ``arrived()`` became true within ``timeout`` (checked on every delivery)."""
        with self._arrived:
            return bool(self._arrived.wait_for(arrived, timeout))

    def payloads(self) -> set[bytes]:
        with self._arrived:
            return {p for _t, p in self.received}

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            self.refusal = str(reason)
        self.answered.set()

    def _on_disconnect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.refusal = self.refusal or str(reason)
        self.dropped.set()
        self.answered.set()
        client.disconnect()  # no automatic reconnect

    def _on_subscribe(self, _c: Any, _u: Any, mid: int, reasons: list[Any], _p: Any) -> None:
        with self._arrived:
            self._subacks[mid] = reasons
            self._arrived.notify_all()

    def _on_message(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        with self._arrived:
            self.received.append((message.topic, bytes(message.payload)))
            self._arrived.notify_all()


def new_device_id() -> str:
    return f"d{uuid.uuid4().hex[:20]}"


@pytest.fixture(scope="module")
def port(stack: Any) -> int:
    return int(stack.config.services.mosquitto.port)


@pytest.fixture(scope="module")
def identities(stack: Any, port: int) -> Iterator[DynsecBrokerIdentities]:
    username, password = mqtt_credentials(stack.home.root, REGISTRY_USER)
    channel = MqttControlChannel(BrokerLogin("127.0.0.1", port, username, password))
    yield DynsecBrokerIdentities(channel)
    channel.close()


@pytest.fixture
def probes() -> Iterator[list[Probe]]:
    made: list[Probe] = []
    yield made
    for probe in made:
        probe.close()


def test_a_new_device_connects_with_its_id_and_its_telemetry_reaches_the_bridge(
    stack: Any, port: int, identities: DynsecBrokerIdentities, probes: list[Probe]
):
    device_id = new_device_id()
    identities.add(device_id, "s3cret-pw")
    bridge = Probe(port, *mqtt_credentials(stack.home.root, BRIDGE_USER))
    device = Probe(port, device_id, "s3cret-pw", client_id=device_id)
    probes += [bridge, device]
    assert bridge.connected()
    assert device.connected()
    assert bridge.subscribe(f"$share/it-{uuid.uuid4().hex[:6]}/devices/+/telemetry")
    device.publish(f"devices/{device_id}/telemetry", b"reading-1")
    assert bridge.wait_for(b"reading-1")
    identities.remove(device_id)


def test_a_device_with_another_client_id_or_password_is_refused(
    port: int, identities: DynsecBrokerIdentities, probes: list[Probe]
):
    device_id = new_device_id()
    identities.add(device_id, "s3cret-pw")
    probes += [
        Probe(port, device_id, "s3cret-pw", client_id=f"{device_id}-2"),
        Probe(port, device_id, "wrong-pw", client_id=device_id),
    ]
    assert not any(probe.connected() for probe in probes)
    identities.remove(device_id)


def test_removing_drops_the_live_session_and_refuses_the_next_one(
    port: int, identities: DynsecBrokerIdentities, probes: list[Probe]
):
    device_id = new_device_id()
    identities.add(device_id, "s3cret-pw")
    live = Probe(port, device_id, "s3cret-pw", client_id=device_id)
    probes.append(live)
    assert live.connected()
    identities.remove(device_id)
    assert live.dropped.wait(60)
    again = Probe(port, device_id, "s3cret-pw", client_id=device_id)
    probes.append(again)
    assert not again.connected()
    identities.remove(device_id)  # absent: not an error


def test_adding_a_taken_id_is_refused_and_the_existing_identity_keeps_working(
    port: int, identities: DynsecBrokerIdentities, probes: list[Probe]
):
    device_id = new_device_id()
    identities.add(device_id, "first-pw")
    with pytest.raises(BrokerIdentityError, match="already exists"):
        identities.add(device_id, "second-pw")
    device = Probe(port, device_id, "first-pw", client_id=device_id)
    probes.append(device)
    assert device.connected()
    identities.remove(device_id)


def test_the_service_users_keep_working_each_within_its_own_topics(
    stack: Any, port: int, probes: list[Probe]
):
    home = stack.home.root
    bridge = Probe(port, *mqtt_credentials(home, BRIDGE_USER))
    simulator = Probe(port, *mqtt_credentials(home, SIMULATOR_USER))
    bench = Probe(port, *mqtt_credentials(home, BENCH_USER))
    registry = Probe(port, *mqtt_credentials(home, REGISTRY_USER))
    probes += [bridge, simulator, bench, registry]
    assert all(p.connected() for p in probes)
    assert bridge.subscribe(f"$share/it-{uuid.uuid4().hex[:6]}/devices/+/telemetry")
    simulator.subscribe("devices/#")
    registry.subscribe("devices/#")
    bench.subscribe("bench/#")
    bench.subscribe("devices/#")
    registry.publish("devices/sim-1/telemetry", b"from-registry")
    bench.publish("devices/sim-1/telemetry", b"from-bench")
    simulator.publish("devices/sim-1/telemetry", b"from-simulator")
    bench.publish("bench/x", b"bench-marker")
    assert bridge.wait_for(b"from-simulator")
    assert bench.wait_for(b"bench-marker")
    assert b"from-registry" not in bridge.payloads()
    assert b"from-bench" not in bridge.payloads()
    assert simulator.payloads() == set()
    assert registry.payloads() == set()
    assert bench.payloads() == {b"bench-marker"}


def test_two_platform_processes_administer_the_broker_at_once_each_getting_its_own_answers(
    stack: Any, port: int
):
    login = BrokerLogin("127.0.0.1", port, *mqtt_credentials(stack.home.root, REGISTRY_USER))
    channels = [MqttControlChannel(login), MqttControlChannel(login)]
    made: dict[int, list[str]] = {0: [], 1: []}
    failures: list[BaseException] = []

    def onboard(n: int) -> None:
        identities = DynsecBrokerIdentities(channels[n])
        try:
            for _ in range(10):
                device_id = new_device_id()
                identities.add(device_id, "pw")
                made[n].append(device_id)
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    workers = [threading.Thread(target=onboard, args=(n,)) for n in (0, 1)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    try:
        assert failures == []
        assert [len(ids) for ids in made.values()] == [10, 10]
        (answer,) = channels[0].request([{"command": "getClient", "username": made[1][0]}])
        assert answer["data"]["client"]["clientid"] == made[1][0]
    finally:
        identities = DynsecBrokerIdentities(channels[0])
        for device_id in [*made[0], *made[1]]:
            identities.remove(device_id)
        for channel in channels:
            channel.close()


def test_a_registry_with_a_wrong_password_gets_a_clear_error(port: int):
    channel = MqttControlChannel(BrokerLogin("127.0.0.1", port, REGISTRY_USER, "wrong"))
    with pytest.raises(StoreUnavailableError, match="connection refused"):
        DynsecBrokerIdentities(channel).add(new_device_id(), "pw")


def test_an_identity_without_the_control_topic_cannot_administer(stack: Any, port: int):
    bridge = BrokerLogin("127.0.0.1", port, *mqtt_credentials(stack.home.root, BRIDGE_USER))
    with pytest.raises(StoreUnavailableError, match="not granted"):
        DynsecBrokerIdentities(MqttControlChannel(bridge)).add(new_device_id(), "pw")
