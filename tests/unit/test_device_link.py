"""The bridge's device link with fakes of the broker connection and the queues."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest

from iotsphere.adapters.sqs_queue_reader import QueueMessage
from iotsphere.bridge.device_link import MAX_PAYLOAD, DeviceLink, LinkOptions
from iotsphere.domain.devices.messages import DeviceEvent, OutboundMessage
from iotsphere.services.errors import StoreUnavailableError


@dataclass
class FakeInfo:
    published: bool

    def wait_for_publish(self, timeout: float) -> None:
        pass

    def is_published(self) -> bool:
        return self.published


@dataclass
class FakeClient:
    acks: list[int] = field(default_factory=list)
    publishes: list[tuple[str, bytes, int, bool]] = field(default_factory=list)
    puback: bool = True

    def ack(self, mid: int, qos: int) -> None:
        self.acks.append(mid)

    def publish(self, topic: str, payload: bytes, qos: int, retain: bool) -> FakeInfo:
        self.publishes.append((topic, payload, qos, retain))
        return FakeInfo(self.puback)


@dataclass
class FakeMessage:
    topic: str
    payload: bytes
    mid: int
    qos: int = 1
    retain: bool = False


@dataclass
class FakeOutbound:
    deleted: list[str] = field(default_factory=list)

    def receive(self, max_messages: int = 10, wait_s: int = 10) -> list[QueueMessage]:
        return []

    def delete(self, receipts: list[str]) -> None:
        self.deleted += receipts


class FlakySender:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[str] = []

    def __call__(self, bodies):
        if self.failures:
            self.failures -= 1
            raise StoreUnavailableError("queue down")
        self.sent += bodies


def make_link(sender, outbound=None) -> tuple[DeviceLink, FakeClient]:
    options = LinkOptions(host="localhost", port=1, username="u", password="p", client_id="t")
    link = DeviceLink(options, sender, outbound or FakeOutbound(), clock=lambda: 1_700_000_000.5)
    fake = FakeClient()
    link._client = fake  # the paho client is replaced: no broker in unit tests
    return link, fake


def drain(link: DeviceLink, client: FakeClient, acks: int) -> None:
    """Run the inbound loop until ``acks`` messages were acked (or give up after 10 s)."""
    worker = threading.Thread(target=link._inbound_loop)
    worker.start()
    for _ in range(1000):
        if len(client.acks) >= acks:
            break
        threading.Event().wait(0.01)
    link._stop.set()
    worker.join()


def test_a_status_message_reaches_the_queue_before_it_is_acked():
    sender = FlakySender(failures=2)
    link, client = make_link(sender)
    link._on_message(client, None, FakeMessage("devices/d1/status", b'{"state":"online"}', 7))
    link._on_message(client, None, FakeMessage("devices/d1/config/reported", b"{}", 8, retain=True))
    assert client.acks == []
    drain(link, client, acks=2)
    events = [DeviceEvent.model_validate_json(body) for body in sender.sent]
    assert [(e.topic, e.retained, e.received_ms) for e in events] == [
        ("devices/d1/status", False, 1_700_000_000_500),
        ("devices/d1/config/reported", True, 1_700_000_000_500),
    ]
    assert events[0].payload == '{"state":"online"}'
    assert client.acks == [7, 8]


def test_an_oversized_device_message_is_dropped_and_acked():
    sender = FlakySender(failures=0)
    link, client = make_link(sender)
    link._on_message(client, None, FakeMessage("devices/d1/status", b"x" * (MAX_PAYLOAD + 1), 3))
    assert client.acks == [3]
    assert link._inbox.empty()


def queued(body: str, receipt: str = "r1") -> QueueMessage:
    return QueueMessage(receipt=receipt, body=body, receive_count=1)


def test_an_outbound_message_is_published_and_then_deleted():
    link, client = make_link(FlakySender(0))
    body = OutboundMessage(topic="devices/d1/config/desired", payload="{}", retain=True)
    assert link._publish(queued(body.model_dump_json()))
    assert client.publishes == [("devices/d1/config/desired", b"{}", 1, True)]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        OutboundMessage.model_construct(
            topic="devices/#", payload="", retain=False
        ).model_dump_json(),
        '{"topic": "$SYS/broker", "payload": ""}',
    ],
)
def test_a_body_that_is_no_outbound_message_is_never_published(body):
    link, client = make_link(FlakySender(0))
    assert not link._publish(queued(body))
    assert client.publishes == []


def test_without_a_puback_the_message_stays_on_the_queue():
    link, client = make_link(FlakySender(0))
    client.puback = False
    body = OutboundMessage(topic="devices/d1/commands/c1", payload="{}").model_dump_json()
    assert not link._publish(queued(body))
