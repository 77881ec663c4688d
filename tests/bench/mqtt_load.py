"""Load pieces for the benchmark: a paced QoS 1 publisher and a counting subscriber, each meant
to run in its own process so neither steals the other's interpreter."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


@dataclass(frozen=True)
class Broker:
    port: int
    username: str = ""
    password: str = ""


def connect(broker: Broker, client_id: str, **callbacks: Any) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id)
    if broker.username:
        client.username_pw_set(broker.username, broker.password)
    client.max_inflight_messages_set(MAX_IN_FLIGHT + 100)
    client.max_queued_messages_set(0)
    for name, callback in callbacks.items():
        setattr(client, name, callback)

    def nodelay(c: mqtt.Client, *_: Any) -> None:
        sock = c.socket()
        if isinstance(sock, socket.socket):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if "on_connect" in callbacks:
            callbacks["on_connect"](c, *_)

    client.on_connect = nodelay
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    return client


MAX_IN_FLIGHT = 1500


class WindowedPublisher:
    """QoS 1 with at most ``MAX_IN_FLIGHT`` unacknowledged, as a fleet of devices would have:
    paho's own queue costs O(queued) per ack, so an unbounded backlog would measure paho."""

    def __init__(self, broker: Broker, client_id: str) -> None:
        self.acks = 0
        self.sent = 0
        self.client = connect(broker, client_id, on_publish=self._on_publish)

    def _on_publish(self, *_: Any) -> None:
        self.acks += 1

    def publish(self, topic: str, payload: str | bytes) -> None:
        while self.sent - self.acks > MAX_IN_FLIGHT:
            time.sleep(0.001)
        self.client.publish(topic, payload, qos=1)
        self.sent += 1

    def close(self, timeout_s: float = 120) -> None:
        """Wait for the outstanding acks (or the timeout), then disconnect."""
        deadline = time.time() + timeout_s
        while self.acks < self.sent and time.time() < deadline:
            time.sleep(0.05)
        self.client.disconnect()
        self.client.loop_stop()


def publish_burst(broker: Broker, topic: str, total: int) -> None:
    """``total`` messages as fast as the window allows (the raw MQTT ceiling's load)."""
    publisher = WindowedPublisher(broker, f"bench-burst-{topic.replace('/', '-')}")
    payload = b'{"ts":1,"seq":1,"metrics":{"temperature":21.5,"vibration":0.81}}'
    for _ in range(total):
        publisher.publish(topic, payload)
    publisher.close()


def subscribe_count(
    broker: Broker,
    topic: str,
    expected: int,
    received: Synchronized,  # type: ignore[type-arg]
    ready: Any,
) -> None:
    """Count QoS 1 messages on ``topic`` until ``expected`` arrived (the raw MQTT ceiling)."""

    def on_connect(c: mqtt.Client, *_: Any) -> None:
        c.subscribe(topic, qos=1)

    def on_subscribe(*_: Any) -> None:
        ready.set()

    def on_message(*_: Any) -> None:
        received.value += 1

    client = connect(
        broker, "bench-sub", on_connect=on_connect, on_subscribe=on_subscribe, on_message=on_message
    )
    deadline = time.time() + 300
    while received.value < expected and time.time() < deadline:
        time.sleep(0.05)
    client.disconnect()
    client.loop_stop()
