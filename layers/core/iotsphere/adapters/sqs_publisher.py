"""Publishing message bodies to an SQS queue, ten to a call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from iotsphere.services.errors import StoreUnavailableError

SQS_BATCH = 10
SQS_BATCH_BYTES = 262_144


class SqsPublisher:
    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self.queue_url = queue_url

    def publish(self, bodies: Sequence[str]) -> None:
        for batch in _batches(bodies):
            entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(batch)]
            try:
                response = self._client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            except (BotoCoreError, ClientError) as exc:
                raise StoreUnavailableError(f"SQS send to {self.queue_url} failed: {exc}") from exc
            failed = response.get("Failed") or []
            if failed:
                reasons = "; ".join(f"{f.get('Code')}: {f.get('Message')}" for f in failed)
                raise StoreUnavailableError(f"SQS refused {len(failed)} messages: {reasons}")


def _batches(bodies: Sequence[str]) -> list[list[str]]:
    """Groups of at most ten bodies whose sizes add up to at most the SQS request limit."""
    batches: list[list[str]] = []
    current: list[str] = []
    size = 0
    for body in bodies:
        length = len(body.encode("utf-8"))
        if current and (len(current) == SQS_BATCH or size + length > SQS_BATCH_BYTES):
            batches.append(current)
            current, size = [], 0
        current.append(body)
        size += length
    if current:
        batches.append(current)
    return batches
