"""The bridge: a shared MQTT subscription on device topics, forwarded to SQS in envelopes.

QoS 1 with manual acknowledgement: a message is acked to the broker only after SQS accepted the
envelope holding it, so a bridge killed at any moment loses nothing it acked; the broker redelivers
the rest to the session when the bridge comes back (or to another bridge in the share group).

The bridge speaks MQTT 3.1.1 with a persistent session (``clean_session=False``): paho parses a
property block for every MQTT 5 PUBLISH, which made the receive path ~30 % dearer per message, and
the bridge uses no MQTT 5 feature a broker setting cannot give. Two broker settings it does need:
shared subscriptions (``$share/...``, Mosquitto 2 has them for 3.1.1 clients) and an in-flight
window wide enough for one flush interval of messages (Mosquitto's ``max_inflight_messages``,
20 by default for 3.1.1 clients; the local stack sets 0, unlimited).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from aws_lambda_powertools import Logger
from paho.mqtt.enums import CallbackAPIVersion

from iotsphere.bridge.delivery import send_until_accepted
from iotsphere.bridge.pending import Batch, PendingMessages
from iotsphere.domain.messages import encode_raw_message

log = Logger(service="bridge")


@dataclass(frozen=True)
class BridgeOptions:
    host: str
    port: int
    username: str
    password: str
    topic: str = "devices/+/telemetry"
    share_group: str = "iotsphere-bridge"
    client_id: str = "iotsphere-bridge-1"
    flush_ms: int = 100
    max_envelope_bytes: int = 240_000


def device_id_from_topic(topic: str) -> str | None:
    """``devices/<id>/telemetry`` -> ``<id>``; the payload never names the device."""
    parts = topic.split("/")
    if len(parts) != 3 or parts[0] != "devices" or not parts[1]:
        return None
    return parts[1]


class MqttBridge:
    def __init__(
        self,
        options: BridgeOptions,
        send: Callable[[Sequence[str]], None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.options = options
        self._send = send
        self._clock = clock
        self._pending = PendingMessages(options.max_envelope_bytes)
        self._stop = threading.Event()
        self._connected = threading.Event()
        self.counts = {"received": 0, "forwarded": 0, "acked": 0, "dropped_topic": 0}
        self._client = self._build_client()

    def _build_client(self) -> mqtt.Client:
        client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=self.options.client_id,
            protocol=mqtt.MQTTv311,
            clean_session=False,
            manual_ack=True,
        )
        client.username_pw_set(self.options.username, self.options.password)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.reconnect_delay_set(min_delay=1, max_delay=5)
        return client

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.error("MQTT connection refused", extra={"reason": str(reason)})
            return
        sock = client.socket()
        if isinstance(sock, socket.socket):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        shared = f"$share/{self.options.share_group}/{self.options.topic}"
        client.subscribe(shared, qos=1)
        self._connected.set()
        log.info("connected to MQTT", extra={"subscription": shared})

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self._connected.clear()
        if not self._stop.is_set():
            log.warning("MQTT connection lost; reconnecting", extra={"reason": str(reason)})

    def _on_message(self, client: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        device_id = device_id_from_topic(message.topic)
        if device_id is None:
            # Not a device telemetry topic: nothing to forward, ack so it is not redelivered.
            self.counts["dropped_topic"] += 1
            client.ack(message.mid, message.qos)
            return
        received_ms = int(self._clock() * 1000)
        self.counts["received"] += 1
        self._pending.add(
            message.mid, encode_raw_message(device_id, bytes(message.payload), received_ms)
        )

    def _forward(self, batch: Batch) -> None:
        """Send until SQS accepts (never drop), then ack every message the batch holds."""
        if not send_until_accepted(self._send, batch.bodies, self._stop):
            return  # stopping: nothing acked, so the broker redelivers these
        self.counts["forwarded"] += len(batch.bodies)
        for mid in batch.mids:
            self._client.ack(mid, 1)
        self.counts["acked"] += len(batch.mids)

    def _sender_loop(self) -> None:
        interval = self.options.flush_ms / 1000
        next_flush = time.monotonic() + interval
        while not self._stop.is_set():
            timeout = max(0.0, next_flush - time.monotonic())
            self._pending.has_full.wait(timeout)
            timer_due = time.monotonic() >= next_flush
            batch = self._pending.take(include_open=timer_due)
            if timer_due:
                next_flush = time.monotonic() + interval
            if batch:
                self._forward(batch)
        final = self._pending.take(include_open=True)
        if final and self._connected.is_set():
            self._forward(final)

    def run(self, stop: threading.Event | None = None, stats_every_s: float = 10.0) -> None:
        """Connect, forward until ``stop`` is set (or forever), then flush, ack and disconnect."""
        self._client.connect_async(self.options.host, self.options.port, keepalive=30)
        self._client.loop_start()
        sender = threading.Thread(target=self._sender_loop, name="bridge-sender", daemon=True)
        sender.start()
        stopper = stop or threading.Event()
        try:
            while not stopper.wait(stats_every_s):
                log.info("bridge stats", extra=self.counts)
        finally:
            self._stop.set()
            sender.join(timeout=30)
            self._client.disconnect()
            self._client.loop_stop()
            log.info("bridge stopped", extra=self.counts)
