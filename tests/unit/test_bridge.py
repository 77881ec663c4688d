import json

import pytest

from iotsphere.bridge.mqtt_bridge import BridgeOptions, MqttBridge, device_id_from_topic
from iotsphere.bridge.pending import PendingMessages
from iotsphere.domain.messages import encode_raw_message
from iotsphere.services.errors import StoreUnavailableError


@pytest.mark.parametrize(
    ("topic", "device_id"),
    [
        ("devices/pump-7/telemetry", "pump-7"),
        ("devices//telemetry", None),
        ("devices/a/b/telemetry", None),
        ("other/pump-7/telemetry", None),
    ],
)
def test_the_device_id_comes_from_the_topic(topic, device_id):
    assert device_id_from_topic(topic) == device_id


def raw(i):
    return encode_raw_message("d", b'{"x":%d}' % i + b" " * 200, received_ms=i)


def test_pending_messages_hand_over_every_mid_with_its_envelope():
    pending = PendingMessages(max_envelope_bytes=2048)
    for mid in range(1, 51):
        pending.add(mid, raw(mid))
    assert pending.has_full.is_set()
    full = pending.take(include_open=False)
    rest = pending.take(include_open=True)
    mids = full.mids + rest.mids
    assert mids == list(range(1, 51))
    payloads = [
        item["payload"] for body in full.bodies + rest.bodies for item in json.loads(body)["items"]
    ]
    assert len(payloads) == 50
    assert len(pending) == 0


class FakeClient:
    def __init__(self):
        self.acked = []

    def ack(self, mid, qos):
        self.acked.append(mid)


def bridge_with(send):
    bridge = MqttBridge(BridgeOptions(host="h", port=1, username="u", password="p"), send)
    bridge._client = FakeClient()
    return bridge


def test_messages_are_acked_only_after_sqs_accepted_them():
    sent, attempts = [], []

    def flaky(bodies):
        attempts.append(1)
        if len(attempts) < 3:
            raise StoreUnavailableError("sqs down")
        sent.extend(bodies)

    bridge = bridge_with(flaky)
    for mid in (1, 2, 3):
        bridge._pending.add(mid, raw(mid))
    bridge._forward(bridge._pending.take(include_open=True))
    assert len(attempts) == 3
    assert len(sent) == 1
    assert bridge._client.acked == [1, 2, 3]


def test_a_bridge_stopping_while_sqs_is_down_acks_nothing():
    def down(bodies):
        raise StoreUnavailableError("sqs down")

    bridge = bridge_with(down)
    bridge._pending.add(1, raw(1))
    bridge._stop.set()
    bridge._forward(bridge._pending.take(include_open=True))
    assert bridge._client.acked == []
