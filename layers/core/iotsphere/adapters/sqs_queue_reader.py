"""Reading a queue by long polling, and deleting what was handled: for long-running processes
(the bridge) that consume a queue outside Lambda."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from iotsphere.services.errors import StoreUnavailableError


@dataclass(frozen=True)
class QueueMessage:
    receipt: str
    body: str
    receive_count: int


class SqsQueueReader:
    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self.queue_url = queue_url

    def receive(self, max_messages: int = 10, wait_s: int = 10) -> list[QueueMessage]:
        try:
            response = self._client.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=max_messages,
                WaitTimeSeconds=wait_s,
                MessageSystemAttributeNames=["ApproximateReceiveCount"],
            )
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailableError(f"SQS receive from {self.queue_url} failed: {exc}") from exc
        return [
            QueueMessage(
                receipt=m["ReceiptHandle"],
                body=m["Body"],
                receive_count=int(m.get("Attributes", {}).get("ApproximateReceiveCount", 1)),
            )
            for m in response.get("Messages", [])
        ]

    def delete(self, receipts: list[str]) -> None:
        if not receipts:
            return
        entries = [{"Id": str(i), "ReceiptHandle": r} for i, r in enumerate(receipts)]
        try:
            self._client.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailableError(f"SQS delete on {self.queue_url} failed: {exc}") from exc
