"""The simulator's publisher keeps its own bounded window of unacknowledged messages."""

from types import SimpleNamespace

from paho.mqtt.enums import MQTTErrorCode

from iotsphere.simulator.publisher import MAX_PENDING, MqttPublisher, MqttTarget


class BrokerThatAcksOnePerLoop:
    """Stands in for paho: ``publish`` hands out mids, each ``loop`` acknowledges the oldest."""

    def __init__(self, publisher: MqttPublisher) -> None:
        self.publisher = publisher
        self.unacked: list[int] = []
        self.most_unacked = 0
        self.next_mid = 0

    def publish(self, _topic: str, _payload: bytes, qos: int) -> SimpleNamespace:
        assert qos == 1
        self.next_mid = self.next_mid % 65535 + 1
        self.unacked.append(self.next_mid)
        self.most_unacked = max(self.most_unacked, len(self.unacked))
        return SimpleNamespace(mid=self.next_mid)

    def loop(self, timeout: float) -> MQTTErrorCode:
        if self.unacked:
            mid = self.unacked.pop(0)
            self.publisher._on_publish(None, None, mid, SimpleNamespace(is_failure=False), None)
        return MQTTErrorCode.MQTT_ERR_SUCCESS


def test_publish_waits_for_acks_once_the_window_is_full():
    publisher = MqttPublisher(MqttTarget("127.0.0.1", 1, "u", "p"), client_id="window-test")
    broker = BrokerThatAcksOnePerLoop(publisher)
    publisher._client = broker  # type: ignore[assignment]

    for seq in range(MAX_PENDING + 50):
        publisher.publish("devices/d/telemetry", b"{}", ("d", seq))

    assert broker.most_unacked == MAX_PENDING
    assert publisher.acked == 50
    assert len(publisher.pending) == MAX_PENDING
