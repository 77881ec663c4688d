"""``bootstrap.device_ports`` from settings: the packages name the public broker, and what the
services publish goes to the ``device-outbound`` queue (moto's SQS; nothing else is reached)."""

import boto3
import pytest
from moto import mock_aws

from iotsphere import bootstrap
from iotsphere.domain.devices.messages import OutboundMessage
from iotsphere.settings import Settings

FACTORIES = (bootstrap.device_ports, bootstrap.device_channel, bootstrap.broker_identities)


class Collections(dict):
    """Stands in for the MongoDB database: the repositories only keep their collection."""

    def __missing__(self, name):
        return name


@pytest.fixture
def settings(monkeypatch):
    chosen = Settings(
        aws_endpoint_url=None,
        broker_public_host="mqtt.example.com",
        broker_public_port=8883,
        broker_public_tls=True,
        device_outbound_queue="outbound-test",
    )
    monkeypatch.setattr(bootstrap, "settings", lambda: chosen)
    monkeypatch.setattr(bootstrap, "mongo_database", Collections)
    for factory in FACTORIES:
        factory.cache_clear()
    with mock_aws():
        boto3.client("sqs", region_name=chosen.aws_region).create_queue(QueueName="outbound-test")
        yield chosen
    for factory in FACTORIES:
        factory.cache_clear()


def test_packages_name_the_broker_devices_reach(settings):
    endpoint = bootstrap.device_ports().endpoint
    assert (endpoint.host, endpoint.port, endpoint.tls) == ("mqtt.example.com", 8883, True)


def test_what_the_services_publish_lands_on_the_outbound_queue(settings):
    sqs = boto3.client("sqs", region_name=settings.aws_region)
    url = sqs.get_queue_url(QueueName="outbound-test")["QueueUrl"]
    bootstrap.device_ports().channel.publish("devices/d1/config/desired", "{}", retain=True)
    (message,) = sqs.receive_message(QueueUrl=url)["Messages"]
    assert OutboundMessage.model_validate_json(message["Body"]).retain is True
