"""Lambda-shaped events and context, built the way the Lambda service builds them."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def sqs_event(messages: Sequence[Mapping[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """An SQS event source mapping's event for messages from ``receive_message``."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": dict(m.get("Attributes", {})),
                "messageAttributes": {
                    name: _message_attribute(value)
                    for name, value in m.get("MessageAttributes", {}).items()
                },
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


def _message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "stringValue": value.get("StringValue"),
        "binaryValue": value.get("BinaryValue"),
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": value.get("DataType", "String"),
    }


def scheduled_event(rule_arn: str, region: str, now: datetime | None = None) -> dict[str, Any]:
    moment = now or datetime.now(tz=UTC)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


def failed_message_ids(result: Any, message_ids: Sequence[str]) -> set[str]:
    """Which messages of a batch failed, read the way Lambda reads ``batchItemFailures``.

    No ``batchItemFailures`` key means the whole batch succeeded; an identifier that is empty or
    not in the batch makes Lambda treat the whole batch as failed.
    """
    if not isinstance(result, Mapping) or "batchItemFailures" not in result:
        return set()
    failures = result["batchItemFailures"]
    if not isinstance(failures, list):
        return set(message_ids)
    failed = {f.get("itemIdentifier") if isinstance(f, Mapping) else None for f in failures}
    if not failed <= set(message_ids):
        return set(message_ids)
    return {str(identifier) for identifier in failed}


@dataclass
class LambdaContext:
    """What a handler may read of its context."""

    function_name: str
    memory_limit_in_mb: int = 512
    timeout_s: float = 30.0
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:local:000000000000:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        left = self.timeout_s - (time.monotonic() - self._started)
        return max(0, int(left * 1000))
