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


def scheduled_ms(start_ms: int, rate: float, index: int) -> int:
    """When the index-th reading of the run is due: its device timestamp."""
    return start_ms + int(index * 1000 / rate)


def publish_paced(
    broker: Broker,
    prefix: str,
    devices: int,
    rate: float,
    total: int,
    start_ms: int,
    published: Synchronized,  # type: ignore[type-arg]
    acked: Synchronized,  # type: ignore[type-arg]
) -> None:
    """Publish ``total`` readings round-robin over ``devices`` at ``rate``/s, each stamped with its
    scheduled time; a publisher falling behind stamps the schedule, so its lag counts as latency."""

    local_acks = [0]  # counted here; the shared value (a lock each write) is updated in steps

    def on_publish(*_: Any) -> None:
        local_acks[0] += 1
        if local_acks[0] % 500 == 0:
            acked.value = local_acks[0]

    client = connect(broker, f"bench-pub-{prefix}", on_publish=on_publish)
    template = (
        '{"ts":%d,"seq":%d,"metrics":'
        '{"temperature":%.2f,"vibration":0.81,"pressure":101.3,"current":4.2}}'
    )
    for index in range(total):
        # At most a window in flight, as a fleet of devices would have: paho's own queue costs
        # O(queued) per ack, so an unbounded backlog would measure paho, not the platform.
        while index - local_acks[0] > MAX_IN_FLIGHT:
            time.sleep(0.001)
        due = scheduled_ms(start_ms, rate, index)
        delay = due / 1000 - time.time()
        if delay > 0.002:
            time.sleep(delay)
        device, seq = index % devices, index // devices
        payload = template % (due, seq, 20 + (index % 50) / 10)
        client.publish(f"devices/{prefix}-{device:04d}/telemetry", payload, qos=1)
        if index % 500 == 0:
            published.value = index + 1
    published.value = total
    deadline = time.time() + 120
    while local_acks[0] < total and time.time() < deadline:
        time.sleep(0.05)
    acked.value = local_acks[0]
    client.disconnect()
    client.loop_stop()


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
