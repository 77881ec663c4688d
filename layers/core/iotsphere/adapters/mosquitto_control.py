"""Request/response on the dynamic-security control topic, over one lasting MQTT 5 connection.

Every response of the plugin goes to every client subscribed to the response topic, so each
request carries its own ``correlationData`` and waits only for its own answer: several platform
processes may administer the broker at once.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from iotsphere.adapters.mosquitto_roles import CONTROL_RESPONSE_TOPIC, CONTROL_TOPIC
from iotsphere.services.errors import StoreUnavailableError


@dataclass(frozen=True)
class BrokerLogin:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    ca_file: str | None = None  # TLS when given


class MqttControlChannel:
    """``ControlChannel`` of ``DynsecBrokerIdentities``; connects on first use."""

    def __init__(self, login: BrokerLogin, timeout_s: float = 10.0) -> None:
        self._login = login
        self._timeout_s = timeout_s
        self._lock = threading.Lock()
        self._client: mqtt.Client | None = None
        self._ready = threading.Event()  # connected and subscribed, or refused
        self._refusal = ""
        self._answers: dict[str, list[dict[str, Any]]] = {}
        self._arrived = threading.Condition()

    def request(self, commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not commands:
            return []
        tag = uuid.uuid4().hex
        tagged = [{**c, "correlationData": f"{tag}.{i}"} for i, c in enumerate(commands)]
        with self._lock:
            client = self._connected()
            with self._arrived:
                self._answers[tag] = []
            info = client.publish(CONTROL_TOPIC, json.dumps({"commands": tagged}), qos=1)
            if info.rc != mqtt.MQTT_ERR_SUCCESS:
                raise StoreUnavailableError(f"broker control: publish failed ({info.rc})")
            with self._arrived:
                done = self._arrived.wait_for(
                    lambda: len(self._answers[tag]) >= len(commands), self._timeout_s
                )
                answers = self._answers.pop(tag)
        if not done:
            raise StoreUnavailableError(
                f"broker control: {len(answers)} of {len(commands)} answers "
                f"within {self._timeout_s:g} s"
            )
        return sorted(answers, key=lambda a: int(str(a["correlationData"]).split(".")[1]))

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.disconnect()
                self._client.loop_stop()
                self._client = None

    def _connected(self) -> mqtt.Client:
        if self._client is not None and self._ready.is_set() and self._client.is_connected():
            return self._client
        if self._client is not None:
            self._client.loop_stop()
        self._ready.clear()
        self._refusal = ""
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"{self._login.username}-{uuid.uuid4().hex[:12]}",
            protocol=mqtt.MQTTv5,
        )
        client.username_pw_set(self._login.username, self._login.password)
        if self._login.ca_file:
            client.tls_set(ca_certs=self._login.ca_file)
        client.on_connect = self._on_connect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        self._client = client
        try:
            client.connect(self._login.host, self._login.port, keepalive=30)
        except OSError as exc:
            raise StoreUnavailableError(f"broker control: cannot connect ({exc})") from exc
        client.loop_start()
        if not self._ready.wait(self._timeout_s) or self._refusal:
            client.disconnect()
            client.loop_stop()
            self._client = None
            raise StoreUnavailableError(
                f"broker control: {self._login.username} not connected and subscribed within "
                f"{self._timeout_s:g} s ({self._refusal or 'no answer'})"
            )
        return client

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            self._refusal = f"connection refused: {reason}"
            self._ready.set()
        else:
            client.subscribe(CONTROL_RESPONSE_TOPIC, qos=1)

    def _on_subscribe(self, _c: Any, _u: Any, _mid: Any, reasons: list[Any], _p: Any) -> None:
        if not reasons or reasons[0].is_failure:
            self._refusal = f"{CONTROL_RESPONSE_TOPIC} not granted"
        self._ready.set()

    def _on_message(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        try:
            responses = json.loads(message.payload)["responses"]
        except (ValueError, KeyError, TypeError):
            return
        with self._arrived:
            for response in responses:
                tag = str(response.get("correlationData", "")).split(".")[0]
                if tag in self._answers:
                    self._answers[tag].append(response)
            self._arrived.notify_all()
