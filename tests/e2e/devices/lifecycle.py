"""What the device-lifecycle tests share: a device with its package and agent, an MQTT watcher
that keeps each delivery's QoS and retain flag, and waiting on what the API shows."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from iotsphere.agent import AgentHandlers, DeviceAgent, InMemory
from iotsphere.agent.paho_transport import PahoTransport
from iotsphere.domain.devices.messages import ProvisioningPackage
from tests.e2e.api.client import ApiClient

WAIT_S = 30.0
DROPPED_WITHIN_S = 60.0  # the promise for a revoked or decommissioned device


def eventually[T](
    fetch: Callable[[], T], done: Callable[[T], bool], what: str, timeout_s: float = WAIT_S
) -> T:
    """``fetch()`` again until ``done`` holds for its value; fail with the last value seen."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout_s:g} s; last seen {value!r}")
        time.sleep(0.2)


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.request.method, answer.url, answer.text)
    return answer.json() if answer.content else None


def device_of(client: ApiClient, device_id: str) -> dict[str, Any]:
    return ok(client.get(f"/v1/devices/{device_id}"))  # type: ignore[no-any-return]


def wait_status(client: ApiClient, device_id: str, status: str) -> dict[str, Any]:
    return eventually(
        lambda: device_of(client, device_id),
        lambda d: d["status"] == status,
        f"{device_id} {status}",
    )


def shadow_of(client: ApiClient, device_id: str) -> dict[str, Any]:
    return ok(client.get(f"/v1/devices/{device_id}/config"))  # type: ignore[no-any-return]


def command_of(client: ApiClient, command_id: str) -> dict[str, Any]:
    return ok(client.get(f"/v1/commands/{command_id}"))  # type: ignore[no-any-return]


def wait_command(client: ApiClient, command_id: str, state: str) -> dict[str, Any]:
    return eventually(
        lambda: command_of(client, command_id),
        lambda c: c["state"] == state,
        f"command {command_id} {state}",
    )


@dataclass
class Device:
    """A device as the platform and the device itself know it: one agent memory across restarts,
    the configurations it applied and how often each command ran (by its parameter ``n``)."""

    package: ProvisioningPackage
    memory: InMemory = field(default_factory=InMemory)
    applied: list[dict[str, Any]] = field(default_factory=list)
    runs: Counter[int] = field(default_factory=Counter)
    agent: DeviceAgent | None = None
    transport: PahoTransport | None = None

    @property
    def id(self) -> str:
        return self.package.device_id

    def _apply(self, desired: dict[str, Any]) -> dict[str, Any]:
        self.applied.append(desired)
        return desired

    def _ping(self, parameters: dict[str, Any]) -> dict[str, Any]:
        self.runs[int(parameters["n"])] += 1
        return {"pong": parameters["n"]}

    def start(self) -> DeviceAgent:
        """Connect with the package (``BrokerConnectionError`` when the broker refuses it)."""
        self.transport = PahoTransport.of(self.package)
        handlers = AgentHandlers(config=self._apply, commands={"ping": self._ping})
        self.agent = DeviceAgent(self.package, self.transport, handlers, "1.0.0", self.memory)
        self.agent.start()
        return self.agent

    def stop(self) -> None:
        if self.agent is not None:
            self.agent.stop()
            self.agent = None

    def connected(self) -> bool:
        return self.transport is not None and self.transport.is_connected()


class Watcher:
    """One MQTT client that records every delivery with its QoS and retain flag."""

    def __init__(self, port: int, username: str, password: str, client_id: str = "") -> None:
        self.received: list[mqtt.MQTTMessage] = []
        self._arrived = threading.Condition()
        self._connected = threading.Event()
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id or f"watcher-{uuid.uuid4().hex[:10]}",
            protocol=mqtt.MQTTv5,
        )
        self._client.username_pw_set(username, password)
        self._client.on_connect = lambda _c, _u, _f, reason, _p: (
            None if reason.is_failure else self._connected.set()
        )
        self._client.on_message = self._on_message
        self._acked_subscriptions: set[int] = set()
        self._client.on_subscribe = self._on_subscribe
        self._client.connect("127.0.0.1", port)
        self._client.loop_start()
        assert self._connected.wait(WAIT_S), f"{username}: not connected"

    def _on_message(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        with self._arrived:
            self.received.append(message)
            self._arrived.notify_all()

    def _on_subscribe(self, _c: Any, _u: Any, mid: int, _codes: Any, _p: Any) -> None:
        with self._arrived:
            self._acked_subscriptions.add(mid)
            self._arrived.notify_all()

    def subscribe(self, *topic_filters: str) -> None:
        """Returns once the broker answered each subscription (granted or refused): a message
        published on another connection right after could otherwise overtake it."""
        for topic_filter in topic_filters:
            _, mid = self._client.subscribe(topic_filter, qos=1)
            with self._arrived:
                answered = self._arrived.wait_for(
                    lambda mid=mid: mid in self._acked_subscriptions, WAIT_S
                )
            assert answered, f"{topic_filter}: no SUBACK"

    def on(self, topic: str) -> list[mqtt.MQTTMessage]:
        with self._arrived:
            return [m for m in self.received if m.topic == topic]

    def wait(self, found: Callable[[], object], what: str) -> None:
        with self._arrived:
            assert self._arrived.wait_for(found, WAIT_S), f"{what}: nothing arrived"

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()
