"""The functions' ``DeviceChannel``: each publish becomes an ``OutboundMessage`` on the
``device-outbound`` queue, which the bridge (holding the one lasting broker connection) publishes
at QoS 1. A Lambda cannot keep an MQTT session, so it never talks to the broker itself."""

from __future__ import annotations

from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.domain.devices.messages import OutboundMessage


class SqsDeviceChannel:
    def __init__(self, publisher: SqsPublisher) -> None:
        self._publisher = publisher

    def publish(self, topic: str, payload: str, *, retain: bool = False) -> None:
        """Queue one message for the broker; ``StoreUnavailableError`` when SQS did not take it."""
        message = OutboundMessage(topic=topic, payload=payload, retain=retain)
        self._publisher.publish([message.model_dump_json()])
