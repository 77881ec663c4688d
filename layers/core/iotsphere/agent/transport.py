"""What the agent needs from an MQTT client; ``PahoTransport`` is the real one, tests use a fake."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    topic: str
    payload: str
    retain: bool = False


class MqttTransport(Protocol):
    def start(
        self,
        will: Outgoing | None,
        on_connected: Callable[[], None],
        on_message: Callable[[str, bytes], None],
    ) -> None:
        """Connect (and reconnect after a drop) with ``will``, if any, as last will; call
        ``on_connected`` after every connection and ``on_message`` for every delivery, on one
        thread, in order. Raises ``BrokerConnectionError`` when the first connection is refused."""

    def subscribe(self, topic_filters: Sequence[str]) -> None:
        """At QoS 1."""

    def publish(self, message: Outgoing) -> None:
        """At QoS 1, without waiting (it may be called from ``on_message``)."""

    def stop(self) -> None:
        """Disconnect cleanly once what was published is sent: the broker sends no last will."""
