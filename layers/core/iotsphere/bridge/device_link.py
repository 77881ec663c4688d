"""The bridge's device link: everything between devices and functions that is not telemetry.

Inbound, what devices publish on ``topics.DEVICE_EVENTS`` (status with birth and last will,
reported configuration, command results, firmware status, claims) goes to the ``device-events``
queue as ``DeviceEvent``s, acked to the broker only once SQS accepted them. Outbound, what the
functions put on the ``device-outbound`` queue (desired configuration, commands, firmware offers,
claim answers) is published at QoS 1 and deleted from the queue only after the broker's PUBACK;
a body that is no ``OutboundMessage`` is left alone, so it ends in the queue's DLQ.

It has its own MQTT session (``<bridge client id>-devices``), so a burst of commands never waits
behind telemetry and telemetry never behind them.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from aws_lambda_powertools import Logger
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from pydantic import ValidationError

from iotsphere.adapters.sqs_queue_reader import QueueMessage
from iotsphere.bridge.delivery import send_until_accepted
from iotsphere.domain.devices import topics
from iotsphere.domain.devices.messages import DeviceEvent, OutboundMessage
from iotsphere.services.errors import StoreUnavailableError

log = Logger(service="bridge-devices")

SESSION_EXPIRY_S = 24 * 3600
MAX_PAYLOAD = 64 * 1024
PUBACK_TIMEOUT_S = 10.0


class OutboundQueue(Protocol):
    def receive(self, max_messages: int = 10, wait_s: int = 10) -> list[QueueMessage]: ...

    def delete(self, receipts: list[str]) -> None: ...


@dataclass(frozen=True)
class LinkOptions:
    host: str
    port: int
    username: str
    password: str
    client_id: str
    share_group: str = "iotsphere-bridge"
    topics: tuple[str, ...] = topics.DEVICE_EVENTS
    poll_wait_s: int = 5


class DeviceLink:
    def __init__(
        self,
        options: LinkOptions,
        send_events: Callable[[Sequence[str]], None],
        outbound: OutboundQueue,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.options = options
        self._send_events = send_events
        self._outbound = outbound
        self._clock = clock
        self._inbox: queue.Queue[tuple[int, str]] = queue.Queue()
        self._stop = threading.Event()
        self._connected = threading.Event()
        self.counts = {"events": 0, "events_dropped": 0, "published": 0, "refused_outbound": 0}
        self._client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=options.client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        self._client.username_pw_set(options.username, options.password)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.reconnect_delay_set(min_delay=1, max_delay=5)

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.error("MQTT connection refused", extra={"reason": str(reason)})
            return
        shared = [(f"$share/{self.options.share_group}/{t}", 1) for t in self.options.topics]
        client.subscribe(shared)
        self._connected.set()
        log.info("device link connected", extra={"subscriptions": [s for s, _ in shared]})

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self._connected.clear()
        if not self._stop.is_set():
            log.warning("device link lost; reconnecting", extra={"reason": str(reason)})

    def _on_message(self, client: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        payload = bytes(message.payload)
        if len(payload) > MAX_PAYLOAD:
            log.warning("device message too large; dropped", extra={"topic": message.topic})
            self.counts["events_dropped"] += 1
            client.ack(message.mid, message.qos)
            return
        event = DeviceEvent(
            topic=message.topic[:256],
            received_ms=int(self._clock() * 1000),
            payload=payload.decode("utf-8", errors="replace"),
            retained=bool(message.retain),
        )
        self._inbox.put((message.mid, event.model_dump_json()))

    def _inbound_loop(self) -> None:
        while not self._stop.is_set():
            try:
                batch = [self._inbox.get(timeout=0.2)]
            except queue.Empty:
                continue
            while len(batch) < 10:
                try:
                    batch.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            if not send_until_accepted(self._send_events, [body for _, body in batch], self._stop):
                return  # stopping: unacked, so the broker redelivers them to the session
            for mid, _ in batch:
                self._client.ack(mid, 1)
            self.counts["events"] += len(batch)

    def _outbound_loop(self) -> None:
        while not self._stop.is_set():
            if not self._connected.wait(0.5):
                continue
            try:
                messages = self._outbound.receive(10, self.options.poll_wait_s)
                done = [m.receipt for m in messages if self._publish(m)]
                self._outbound.delete(done)
            except StoreUnavailableError as exc:
                log.warning("device-outbound unavailable; retrying", extra={"error": str(exc)})
                self._stop.wait(1.0)

    def _publish(self, message: QueueMessage) -> bool:
        try:
            outbound = OutboundMessage.model_validate_json(message.body)
        except ValidationError as exc:
            log.error(
                "not an OutboundMessage; left for the DLQ",
                extra={"receive_count": message.receive_count, "error": str(exc)[:300]},
            )
            self.counts["refused_outbound"] += 1
            return False
        info = self._client.publish(
            outbound.topic, outbound.payload.encode(), qos=1, retain=outbound.retain
        )
        info.wait_for_publish(timeout=PUBACK_TIMEOUT_S)
        if info.is_published():
            self.counts["published"] += 1
            return True
        return False  # no PUBACK yet: the queue shows it again after its visibility timeout

    def run(self, stop: threading.Event | None = None, stats_every_s: float = 30.0) -> None:
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = SESSION_EXPIRY_S
        self._client.connect_async(
            self.options.host,
            self.options.port,
            keepalive=30,
            clean_start=False,
            properties=properties,
        )
        self._client.loop_start()
        workers = [
            threading.Thread(target=self._inbound_loop, name="device-events", daemon=True),
            threading.Thread(target=self._outbound_loop, name="device-outbound", daemon=True),
        ]
        for worker in workers:
            worker.start()
        stopper = stop or threading.Event()
        try:
            while not stopper.wait(stats_every_s):
                log.info("device link stats", extra=self.counts)
        finally:
            self._stop.set()
            for worker in workers:
                worker.join(timeout=15)
            self._client.disconnect()
            self._client.loop_stop()
