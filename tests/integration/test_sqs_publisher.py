"""The SQS publisher against LocalStack."""

import uuid

import pytest

from iotsphere.adapters.aws import aws_client
from iotsphere.adapters.sqs_publisher import SqsPublisher

pytestmark = pytest.mark.integration


def test_bodies_arrive_in_batches_of_at_most_ten(settings):
    sqs = aws_client("sqs", settings)
    url = sqs.create_queue(QueueName=f"it-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    try:
        bodies = [f"body-{i}" + "x" * 40_000 for i in range(13)]
        SqsPublisher(sqs, url).publish(bodies)
        received = []
        while len(received) < 13:
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            received += [m["Body"] for m in got.get("Messages", [])]
        assert sorted(received) == sorted(bodies)
    finally:
        sqs.delete_queue(QueueUrl=url)
