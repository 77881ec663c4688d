"""boto3 clients for the configured endpoint (LocalStack locally, AWS when it is None)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from iotsphere.settings import Settings


def aws_client(service: str, settings: Settings) -> Any:
    return boto3.client(
        service,
        endpoint_url=settings.aws_endpoint_url,
        region_name=settings.aws_region,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}),
    )


def queue_url(sqs: Any, name: str) -> str:
    return str(sqs.get_queue_url(QueueName=name)["QueueUrl"])
