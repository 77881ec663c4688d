"""The rollouts' ``OfferPublisher``: an offer becomes an ``OutboundMessage`` for
``devices/<id>/firmware/offer`` on the ``device-outbound`` queue (``SqsDeviceChannel``), which the
bridge publishes at QoS 1, not retained: a device offline during its wave gets the offer from its
persistent session when it reconnects."""

from __future__ import annotations

from iotsphere.adapters.sqs_device_channel import SqsDeviceChannel
from iotsphere.domain.devices import topics
from iotsphere.domain.firmware.offer import FirmwareOffer


class SqsFirmwareOfferPublisher:
    def __init__(self, channel: SqsDeviceChannel) -> None:
        self._channel = channel

    def offer(self, org_id: str, device_id: str, offer: FirmwareOffer) -> None:
        """Queue one offer; ``StoreUnavailableError`` when SQS did not take it."""
        self._channel.publish(topics.firmware_offer(device_id), offer.model_dump_json())
