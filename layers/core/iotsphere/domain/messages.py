"""Queue messages between the bridge, ingest and alerting, and how many raw messages share one.

One SQS call per reading caps a LocalStack machine near 750 readings/s, so the bridge packs many
raw device messages into one ``TelemetryEnvelope`` of at most ``max_bytes`` of JSON.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.telemetry import MAX_PAYLOAD_BYTES

SQS_MAX_BYTES = 262_144


class RawMessage(BaseModel):
    """A device message exactly as the broker delivered it; the device id comes from the topic."""

    model_config = ConfigDict(frozen=True)

    device_id: str
    received_ms: int
    payload: str
    encoding: Literal["utf-8", "base64"] = "utf-8"
    size: int = Field(ge=0, description="bytes the device sent; more than len(payload) if cut")

    @classmethod
    def from_bytes(cls, device_id: str, payload: bytes, received_ms: int) -> RawMessage:
        return cls.model_validate_json(encode_raw_message(device_id, payload, received_ms))

    def payload_bytes(self) -> bytes:
        if self.encoding == "base64":
            return base64.b64decode(self.payload)
        return self.payload.encode("utf-8")


def encode_raw_message(device_id: str, payload: bytes, received_ms: int) -> str:
    """A ``RawMessage`` as ASCII JSON, built without the model: the bridge does this per message.

    At most ``MAX_PAYLOAD_BYTES`` (+1, so ingest can tell it was cut) of the payload is kept.
    """
    head = payload[: MAX_PAYLOAD_BYTES + 1]
    try:
        text, encoding = head.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(head).decode("ascii"), "base64"
    return json.dumps(
        {
            "device_id": device_id,
            "received_ms": received_ms,
            "payload": text,
            "encoding": encoding,
            "size": len(payload),
        },
        separators=(",", ":"),
    )


class TelemetryEnvelope(BaseModel):
    """The body of one message on the ``telemetry`` queue."""

    v: Literal[1] = 1
    id: str
    items: list[RawMessage]


class ForwardedReading(BaseModel):
    """A stored reading as the alert evaluator receives it (epoch milliseconds)."""

    device_id: str
    ts_ms: int
    metrics: dict[str, float | bool | str]
    seq: int | None = None


class ReadingsBatch(BaseModel):
    """The body of one message on the ``alerts`` queue: readings just written to InfluxDB."""

    v: Literal[1] = 1
    envelope_id: str
    readings: list[ForwardedReading]


class EnvelopePacker:
    """Collects raw messages into envelope bodies no larger than ``max_bytes`` of JSON."""

    _OVERHEAD = len('{"v":1,"id":"","items":[]}') + 36

    def __init__(self, max_bytes: int = 240_000) -> None:
        if not self._OVERHEAD + 1024 <= max_bytes <= SQS_MAX_BYTES:
            raise ValueError(f"max_bytes must be between 1 KiB and {SQS_MAX_BYTES}")
        self.max_bytes = max_bytes
        self._items: list[str] = []
        self._size = self._OVERHEAD

    def __len__(self) -> int:
        return len(self._items)

    def add(self, message: RawMessage) -> str | None:
        """Add a message; return a full envelope body first if this one would not fit beside it."""
        return self.add_encoded(json.dumps(message.model_dump(), separators=(",", ":")))

    def add_encoded(self, item: str) -> str | None:
        """``add`` for a message already encoded as ASCII JSON (``encode_raw_message``), so that
        its length in characters is its size in bytes."""
        if self._OVERHEAD + len(item) + 1 > self.max_bytes:
            raise ValueError(f"one message of {len(item)} bytes exceeds the envelope limit")
        full = self.flush() if self._size + len(item) + 1 > self.max_bytes else None
        self._items.append(item)
        self._size += len(item) + 1
        return full

    def flush(self) -> str | None:
        """The envelope body of everything collected so far, or None when empty."""
        if not self._items:
            return None
        body = f'{{"v":1,"id":"{uuid.uuid4().hex}","items":[{",".join(self._items)}]}}'
        self._items = []
        self._size = self._OVERHEAD
        return body


def encode_forwarded(
    device_id: str, ts_ms: int, metrics: dict[str, float | bool | str], seq: int | None
) -> str:
    """A ``ForwardedReading`` as ASCII JSON, built without the model (once per stored reading)."""
    return json.dumps(
        {"device_id": device_id, "ts_ms": ts_ms, "metrics": metrics, "seq": seq},
        separators=(",", ":"),
    )


def chunk_readings(envelope_id: str, items: list[str], max_bytes: int = 240_000) -> list[str]:
    """``ReadingsBatch`` bodies for the alerts queue, each under ``max_bytes``, from readings
    encoded by ``encode_forwarded`` (ASCII, so characters are bytes)."""
    bodies: list[str] = []
    chunk: list[str] = []
    size = 64 + len(envelope_id)
    for item in items:
        if chunk and size + len(item) + 1 > max_bytes:
            bodies.append(_batch_body(envelope_id, chunk))
            chunk, size = [], 64 + len(envelope_id)
        chunk.append(item)
        size += len(item) + 1
    if chunk:
        bodies.append(_batch_body(envelope_id, chunk))
    return bodies


def _batch_body(envelope_id: str, items: list[str]) -> str:
    return f'{{"v":1,"envelope_id":{json.dumps(envelope_id)},"readings":[{",".join(items)}]}}'
