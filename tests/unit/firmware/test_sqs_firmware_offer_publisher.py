"""The offer publisher against moto's SQS: one ``OutboundMessage`` per offer, for the bridge."""

from datetime import timedelta

import boto3
import pytest
from moto import mock_aws

from iotsphere.adapters.sqs_device_channel import SqsDeviceChannel
from iotsphere.adapters.sqs_firmware_offer_publisher import SqsFirmwareOfferPublisher
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.domain.devices.messages import OutboundMessage
from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.services.errors import StoreUnavailableError
from tests.unit.firmware.factories import NOW
from tests.unit.firmware.scenario import RELEASE

OFFER = FirmwareOffer(
    rollout_id="ro-1",
    release_id=RELEASE.release_id,
    image_key=RELEASE.image_key,
    image_url="https://s3.example/firmware/acme/pump-v2/1.3.0/pump.bin?sig",
    url_expires_at=NOW + timedelta(minutes=15),
    signed=RELEASE.signed,
)


def publisher(sqs, url: str) -> SqsFirmwareOfferPublisher:
    return SqsFirmwareOfferPublisher(SqsDeviceChannel(SqsPublisher(sqs, url)))


@pytest.fixture
def sqs():
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1")


def test_an_offer_is_an_outbound_message_on_the_devices_offer_topic(sqs):
    url = sqs.create_queue(QueueName="device-outbound")["QueueUrl"]
    publisher(sqs, url).offer("acme", "pump-007", OFFER)
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]]
    message = OutboundMessage.model_validate_json(bodies[0])
    assert (len(bodies), message.topic, message.retain) == (
        1,
        "devices/pump-007/firmware/offer",
        False,
    )
    assert FirmwareOffer.model_validate_json(message.payload) == OFFER


def test_a_queue_that_is_gone_is_an_unavailable_store(sqs):
    url = sqs.create_queue(QueueName="device-outbound")["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(StoreUnavailableError):
        publisher(sqs, url).offer("acme", "pump-007", OFFER)
