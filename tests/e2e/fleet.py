"""A tiny test fleet: publishes known readings over real MQTT and counts what got stored."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import paho.mqtt.client as mqtt
from influxdb import InfluxDBClient
from paho.mqtt.enums import CallbackAPIVersion

from iotsphere.settings import Settings


def new_prefix() -> str:
    return f"e2e{uuid.uuid4().hex[:8]}"


def reading(seq: int, base: datetime, **metrics: Any) -> dict[str, Any]:
    ts = base + timedelta(milliseconds=10 * seq)
    return {
        "ts": ts.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "seq": seq,
        "metrics": metrics or {"temperature": 20.0 + seq % 7, "vibration": 0.5},
    }


def recent_base() -> datetime:
    return datetime.now(tz=UTC).replace(microsecond=0) - timedelta(minutes=5)


class Publisher:
    """One MQTT connection publishing QoS 1; ``publish_all`` returns once the broker acked all."""

    def __init__(self, port: int, username: str, password: str) -> None:
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"e2e-{uuid.uuid4().hex[:6]}"
        )
        self.client.username_pw_set(username, password)
        self.client.max_inflight_messages_set(500)
        self.client.max_queued_messages_set(0)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def publish_all(self, messages: Iterable[tuple[str, bytes]], per_second: float = 0) -> int:
        infos = []
        started = time.monotonic()
        for n, (device_id, payload) in enumerate(messages):
            infos.append(self.client.publish(f"devices/{device_id}/telemetry", payload, qos=1))
            if per_second:
                delay = started + n / per_second - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        for info in infos:
            info.wait_for_publish(timeout=60)
            assert info.is_published(), "the broker did not ack a publish"
        return len(infos)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def readings_for(
    prefix: str, devices: int, per_device: int, base: datetime
) -> list[tuple[str, bytes]]:
    """Interleaved across devices, as a fleet sends them."""
    return [
        (f"{prefix}-{d:03d}", json.dumps(reading(seq, base)).encode())
        for seq in range(per_device)
        for d in range(devices)
    ]


def influx(settings: Settings) -> InfluxDBClient:
    host, port = settings.influx_url.split("://")[1].split(":")
    return InfluxDBClient(host=host, port=int(port), database=settings.influx_database)


def stored_count(settings: Settings, prefix: str) -> int:
    """Unique (device, timestamp) points of devices with this prefix."""
    assert prefix.isalnum()  # the tests' own prefix, inlined into the regex
    result = influx(settings).query(
        f'SELECT count("seq") FROM telemetry WHERE device_id =~ /^{prefix}-/ '  # noqa: S608
        "AND time > now() - 1h"
    )
    points = list(result.get_points())
    return int(points[0]["count"]) if points else 0


def wait_until(check: Callable[[], bool], timeout: float, every: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()


def in_background(target: Callable[[], Any]) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread
