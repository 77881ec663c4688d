"""The offer publisher against moto's SQS: one ``OutboundMessage`` per device, for the bridge."""

from datetime import timedelta

import boto3
import pytest
from moto import mock_aws

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


@pytest.fixture
def sqs():
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1")


def queued(sqs, url: str) -> list[OutboundMessage]:
    messages: list[OutboundMessage] = []
    while answer := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in answer:
            messages.append(OutboundMessage.model_validate_json(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def test_an_offer_is_an_outbound_message_on_the_devices_offer_topic(sqs):
    url = sqs.create_queue(QueueName="device-outbound")["QueueUrl"]
    SqsFirmwareOfferPublisher(SqsPublisher(sqs, url)).offer("acme", "pump-007", OFFER)
    (message,) = queued(sqs, url)
    assert (message.topic, message.retain) == ("devices/pump-007/firmware/offer", False)
    assert FirmwareOffer.model_validate_json(message.payload) == OFFER


def test_a_wave_is_one_message_per_device_sent_ten_to_a_call(sqs):
    url = sqs.create_queue(QueueName="device-outbound")["QueueUrl"]
    devices = [f"pump-{i:03}" for i in range(25)]
    publisher = SqsPublisher(sqs, url)
    calls = []
    send = sqs.send_message_batch
    sqs.send_message_batch = lambda **kwargs: calls.append(len(kwargs["Entries"])) or send(**kwargs)
    SqsFirmwareOfferPublisher(publisher).offer_all("acme", devices, OFFER)
    assert calls == [10, 10, 5]
    topics = sorted(message.topic for message in queued(sqs, url))
    assert topics == [f"devices/{d}/firmware/offer" for d in devices]


def test_a_queue_that_is_gone_is_an_unavailable_store(sqs):
    url = sqs.create_queue(QueueName="device-outbound")["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(StoreUnavailableError):
        SqsFirmwareOfferPublisher(SqsPublisher(sqs, url)).offer("acme", "pump-007", OFFER)
