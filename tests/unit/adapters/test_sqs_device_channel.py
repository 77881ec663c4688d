"""The SQS ``DeviceChannel`` against moto's SQS: one ``OutboundMessage`` per publish."""

import boto3
import pytest
from moto import mock_aws
from pydantic import ValidationError

from iotsphere.adapters.sqs_device_channel import SqsDeviceChannel
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.domain.devices.messages import OutboundMessage
from iotsphere.services.errors import StoreUnavailableError

REGION = "us-east-1"


@pytest.fixture
def sqs():
    with mock_aws():
        yield boto3.client("sqs", region_name=REGION)


def channel_on(sqs, name="device-outbound"):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return SqsDeviceChannel(SqsPublisher(sqs, url)), url


def received(sqs, url):
    answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [OutboundMessage.model_validate_json(m["Body"]) for m in answer.get("Messages", [])]


def test_a_publish_is_one_outbound_message_with_its_topic_payload_and_retain(sqs):
    channel, url = channel_on(sqs)
    channel.publish("devices/d1/config/desired", '{"state": {}}', retain=True)
    assert received(sqs, url) == [
        OutboundMessage(topic="devices/d1/config/desired", payload='{"state": {}}', retain=True)
    ]


def test_retain_is_off_unless_asked(sqs):
    channel, url = channel_on(sqs)
    channel.publish("devices/d1/commands/c1", "{}")
    assert [m.retain for m in received(sqs, url)] == [False]


def test_a_topic_outside_devices_and_provisioning_is_never_queued(sqs):
    channel, url = channel_on(sqs)
    with pytest.raises(ValidationError):
        channel.publish("devices/+/commands/c1", "{}")
    with pytest.raises(ValidationError):
        channel.publish("$CONTROL/dynamic-security/v1", "{}")
    assert received(sqs, url) == []


def test_a_queue_that_is_gone_is_a_store_outage(sqs):
    channel, url = channel_on(sqs)
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(StoreUnavailableError):
        channel.publish("devices/d1/status", "{}")
