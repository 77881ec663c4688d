"""``MqttTransport`` over paho-mqtt, MQTT 5, with a persistent session (clean start off), so QoS 1
commands sent while the device is away are queued by the broker and delivered when it is back."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from iotsphere.agent.errors import BrokerConnectionError
from iotsphere.agent.transport import Outgoing
from iotsphere.domain.devices.messages import BrokerEndpoint, ProvisioningPackage

SESSION_EXPIRY_S = 7 * 24 * 3600  # as long as the longest command TTL


class PahoTransport:
    def __init__(
        self,
        broker: BrokerEndpoint,
        client_id: str,
        username: str,
        password: str,
        ca_file: str | None = None,
        timeout_s: float = 10.0,
    ) -> None:
        self._broker = broker
        self._username = username
        self._password = password
        self._ca_file = ca_file
        self._timeout_s = timeout_s
        self._answered = threading.Event()
        self._refusal = ""
        self._last: mqtt.MQTTMessageInfo | None = None
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
        )

    @classmethod
    def of(cls, package: ProvisioningPackage, ca_file: str | None = None) -> PahoTransport:
        """As the device the provisioning package makes."""
        return cls(package.broker, package.client_id, package.username, package.password, ca_file)

    def start(
        self,
        will: Outgoing | None,
        on_connected: Callable[[], None],
        on_message: Callable[[str, bytes], None],
    ) -> None:
        client = self._client
        client.username_pw_set(self._username, self._password)
        if self._broker.tls:
            client.tls_set(ca_certs=self._ca_file)
        if will is not None:
            client.will_set(will.topic, will.payload, qos=1, retain=will.retain)
        client.reconnect_delay_set(min_delay=1, max_delay=30)

        def connected(_c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
            self._refusal = str(reason) if reason.is_failure else ""
            self._answered.set()
            if not reason.is_failure:
                on_connected()

        client.on_connect = connected
        client.on_message = lambda _c, _u, m: on_message(m.topic, bytes(m.payload))
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = SESSION_EXPIRY_S
        broker = self._broker
        try:
            client.connect(broker.host, broker.port, clean_start=False, properties=properties)
        except OSError as exc:
            raise BrokerConnectionError(f"{broker.host}:{broker.port}: {exc}") from exc
        client.loop_start()
        if not self._answered.wait(self._timeout_s) or self._refusal:
            client.loop_stop()
            raise BrokerConnectionError(
                f"{self._username}: connection refused ({self._refusal or 'no answer'})"
            )

    def subscribe(self, topic_filters: Sequence[str]) -> None:
        self._client.subscribe([(topic, 1) for topic in topic_filters])

    def publish(self, message: Outgoing) -> None:
        self._last = self._client.publish(
            message.topic, message.payload, qos=1, retain=message.retain
        )

    def is_connected(self) -> bool:
        """Whether the broker holds the connection now (False while reconnecting or refused)."""
        return bool(self._client.is_connected())

    def stop(self) -> None:
        """Once the broker took the last publish (or ``timeout_s`` passed): QoS 1 messages are
        acknowledged in order, so everything published before it was taken too."""
        if self._last is not None and self._client.is_connected():
            with contextlib.suppress(RuntimeError, ValueError):
                self._last.wait_for_publish(self._timeout_s)
        self._client.disconnect()
        self._client.loop_stop()
