"""One paho client for the whole fleet, driven by the caller's loop (no network thread).

The scheduling loop calls ``serve`` between publishes, so writing, reading PUBACKs and keepalive
all happen on one thread: no lock contention with a paho thread, and ``publish`` writes at once.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from aws_lambda_powertools import Logger
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode

from iotsphere.simulator.errors import PublisherError

log = Logger(service="simulator", child=True)

# Unacknowledged messages held before ``publish`` waits for PUBACKs. The window is ours, not
# paho's: paho, when it limits in-flight messages itself, walks its whole outgoing queue on every
# PUBACK, which cost the simulator ~15 % of its CPU at 5,000 messages/s.
MAX_PENDING = 2_000
RECONNECT_EVERY_S = 1.0
PROTOCOLS = {"3.1.1": mqtt.MQTTv311, "5": mqtt.MQTTv5}


@dataclass(frozen=True)
class MqttTarget:
    host: str
    port: int
    username: str
    password: str


class MqttPublisher:
    """QoS 1 publishes with their tags kept until the broker acknowledges them."""

    def __init__(self, target: MqttTarget, client_id: str, protocol: str = "5") -> None:
        self.target = target
        self.acked = 0
        self.refused = 0
        self.pending: dict[int, tuple[str, int]] = {}
        self._refusal: str | None = None
        self._connected = False
        self._closing = False
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=PROTOCOLS[protocol]
        )
        self._client.username_pw_set(target.username, target.password)
        self._client.max_inflight_messages_set(0)  # unlimited: MAX_PENDING bounds the window
        self._client.max_queued_messages_set(0)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_publish = self._on_publish
        self._next_reconnect = 0.0

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            self._refusal = str(reason)
            log.error("MQTT connection refused", extra={"reason": str(reason)})
            return
        sock = client.socket()
        if isinstance(sock, socket.socket):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._connected, self._refusal = True, None
        log.info("connected to MQTT", extra={"host": self.target.host, "port": self.target.port})

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if self._connected and not self._closing:
            log.warning("MQTT connection lost; reconnecting", extra={"reason": str(reason)})
        self._connected = False

    def _on_publish(self, _c: Any, _u: Any, mid: int, reason: Any, _p: Any) -> None:
        if self.pending.pop(mid, None) is None:
            return
        if reason.is_failure:
            self.refused += 1
        else:
            self.acked += 1

    def connect(self, timeout_s: float = 10.0) -> None:
        try:
            self._client.connect(self.target.host, self.target.port, keepalive=30)
        except OSError as exc:
            raise PublisherError(f"MQTT {self.target.host}:{self.target.port}: {exc}") from exc
        deadline = time.monotonic() + timeout_s
        while not self._connected and self._refusal is None and time.monotonic() < deadline:
            self._client.loop(timeout=0.1)
        if not self._connected:
            reason = self._refusal or f"no CONNACK within {timeout_s:g}s"
            raise PublisherError(f"MQTT {self.target.host}:{self.target.port}: {reason}")

    def publish(self, topic: str, payload: bytes, tag: tuple[str, int]) -> None:
        while len(self.pending) >= MAX_PENDING:
            self.serve(0.01)
        info = self._client.publish(topic, payload, qos=1)
        self.pending[info.mid] = tag

    def serve(self, timeout_s: float) -> None:
        """One pass of the network loop: write, read acks, keepalive; reconnect when down."""
        if self._client.loop(timeout=timeout_s) == MQTTErrorCode.MQTT_ERR_SUCCESS:
            return
        now = time.monotonic()
        if now >= self._next_reconnect:
            self._next_reconnect = now + RECONNECT_EVERY_S
            try:
                self._client.reconnect()
            except OSError as exc:
                log.warning("MQTT reconnect failed", extra={"error": str(exc)})
        time.sleep(timeout_s)

    def wait_for_acks(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while self.pending and time.monotonic() < deadline:
            self.serve(0.05)
        return not self.pending

    def close(self) -> None:
        self._closing = True
        self._client.disconnect()
        self._client.loop(timeout=0.1)
