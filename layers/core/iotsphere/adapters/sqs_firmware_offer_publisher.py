"""The rollouts' ``OfferPublisher``: each offer becomes an ``OutboundMessage`` for
``devices/<id>/firmware/offer`` on the ``device-outbound`` queue, ten to an SQS call, which the
bridge publishes at QoS 1, not retained: a device offline during its wave gets the offer from its
persistent session when it reconnects."""

from __future__ import annotations

from collections.abc import Sequence

from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.domain.devices import topics
from iotsphere.domain.devices.messages import OutboundMessage
from iotsphere.domain.firmware.offer import FirmwareOffer


class SqsFirmwareOfferPublisher:
    def __init__(self, publisher: SqsPublisher) -> None:
        self._publisher = publisher

    def offer(self, org_id: str, device_id: str, offer: FirmwareOffer) -> None:
        self.offer_all(org_id, [device_id], offer)

    def offer_all(self, org_id: str, device_ids: Sequence[str], offer: FirmwareOffer) -> None:
        """Queue the offer for each device; ``StoreUnavailableError`` when SQS did not take it."""
        payload = offer.model_dump_json()
        self._publisher.publish(
            [
                OutboundMessage(
                    topic=topics.firmware_offer(device_id), payload=payload
                ).model_dump_json()
                for device_id in device_ids
            ]
        )
