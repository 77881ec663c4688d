"""A fake MQTT transport, a provisioning package and a firmware slot for the agent tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from iotsphere.agent.transport import Outgoing
from iotsphere.domain.devices.messages import BrokerEndpoint, ProvisioningPackage, StatusMessage
from iotsphere.domain.devices.topics import DeviceTopics

DEVICE = "dpump0001"
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def package(
    device_id: str = DEVICE,
    port: int = 1883,
    password: str = "pw",  # noqa: S107
) -> ProvisioningPackage:
    return ProvisioningPackage(
        device_id=device_id,
        org_id="acme",
        broker=BrokerEndpoint(host="127.0.0.1", port=port),
        client_id=device_id,
        username=device_id,
        password=password,
        topics=DeviceTopics.of(device_id),
        birth=StatusMessage(state="online", session="<per connection>"),
        last_will=StatusMessage(state="offline", session="<per connection>"),
    )


class FakeTransport:
    """Records what the agent sends; ``deliver`` plays the broker."""

    def __init__(self) -> None:
        self.will: Outgoing | None = None
        self.sent: list[Outgoing] = []
        self.subscriptions: list[str] = []
        self.stopped = False
        self._on_connected: Callable[[], None] | None = None
        self._on_message: Callable[[str, bytes], None] | None = None

    def start(self, will: Outgoing, on_connected: Callable[[], None], on_message: Any) -> None:
        self.will, self._on_connected, self._on_message = will, on_connected, on_message
        on_connected()

    def reconnect(self) -> None:
        assert self._on_connected is not None
        self._on_connected()

    def subscribe(self, topic_filters: Sequence[str]) -> None:
        self.subscriptions += topic_filters

    def publish(self, message: Outgoing) -> None:
        self.sent.append(message)

    def stop(self) -> None:
        self.stopped = True

    def deliver(self, topic: str, payload: Any) -> None:
        assert self._on_message is not None
        body = payload if isinstance(payload, bytes) else json.dumps(payload, default=str).encode()
        self._on_message(topic, body)

    def on(self, suffix: str) -> list[dict[str, Any]]:
        """The JSON documents sent on topics ending with ``suffix``, in order."""
        return [json.loads(m.payload) for m in self.sent if m.topic.endswith(suffix)]

    def clear(self) -> None:
        self.sent.clear()


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
