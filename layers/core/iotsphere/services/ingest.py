"""Ingest: turn one telemetry envelope into stored readings, quarantined messages and a forward.

Every rule refusal is final and quarantined with its reason; it never holds back the valid readings
beside it. Only an unavailable store raises, so the queue redelivers the whole message; writing it
again is harmless because a reading's identity is its device and timestamp.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from iotsphere.domain.errors import InvalidReadingError
from iotsphere.domain.messages import (
    RawMessage,
    TelemetryEnvelope,
    chunk_readings,
    encode_forwarded,
)
from iotsphere.domain.quarantine import QuarantinedMessage
from iotsphere.domain.telemetry import (
    MAX_PAYLOAD_BYTES,
    MAX_READINGS_PER_PAYLOAD,
    Reading,
    TelemetryLimits,
    normalize_reading,
    validate_device_id,
)
from iotsphere.services.ports import MessagePublisher, QuarantineStore, TelemetryStore

UNKNOWN_DEVICE = "-"


@dataclass(frozen=True)
class IngestPorts:
    store: TelemetryStore
    quarantine: QuarantineStore
    alerts: MessagePublisher
    limits: TelemetryLimits


@dataclass(frozen=True)
class IngestResult:
    envelope_id: str
    stored: int
    quarantined: int


def _reject_constant(name: str) -> Any:
    raise InvalidReadingError(f"{name} is not a number JSON allows")


def decode_payload(message: RawMessage) -> list[Any]:
    """The decoded readings of one device message (a JSON object, or a list of them)."""
    if message.size > MAX_PAYLOAD_BYTES:
        raise InvalidReadingError(f"payload of {message.size} bytes; at most {MAX_PAYLOAD_BYTES}")
    if message.encoding != "utf-8":
        raise InvalidReadingError("payload is not UTF-8 text")
    try:
        decoded = json.loads(message.payload, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InvalidReadingError(
            f"payload is not valid JSON: {exc.msg} at char {exc.pos}"
        ) from exc
    readings = decoded if isinstance(decoded, list) else [decoded]
    if not readings:
        raise InvalidReadingError("payload is an empty list of readings")
    if len(readings) > MAX_READINGS_PER_PAYLOAD:
        raise InvalidReadingError(
            f"{len(readings)} readings in one payload; at most {MAX_READINGS_PER_PAYLOAD}"
        )
    return readings


def _quarantine(message: RawMessage, reason: str) -> QuarantinedMessage:
    return QuarantinedMessage.of(
        device_id=message.device_id,
        received_ms=message.received_ms,
        reason=reason,
        payload=message.payload,
        encoding=message.encoding,
        size=message.size,
    )


def validate_message(
    message: RawMessage, limits: TelemetryLimits
) -> tuple[list[Reading], list[QuarantinedMessage]]:
    """Valid readings of one device message, and the refusals with their reasons.

    The clock readings are judged against is the time the platform received them, so a redelivered
    message is judged the same way every time.
    """
    received = datetime.fromtimestamp(message.received_ms / 1000, tz=UTC)
    try:
        validate_device_id(message.device_id)
        raw_readings = decode_payload(message)
    except InvalidReadingError as exc:
        return [], [_quarantine(message, str(exc))]
    valid: list[Reading] = []
    refused: list[QuarantinedMessage] = []
    for index, raw in enumerate(raw_readings):
        try:
            valid.append(normalize_reading(message.device_id, raw, now=received, limits=limits))
        except InvalidReadingError as exc:
            where = f"reading {index}: " if len(raw_readings) > 1 else ""
            refused.append(_quarantine(message, where + str(exc)))
    return valid, refused


def parse_envelope(body: str, sent_ms: int) -> TelemetryEnvelope | QuarantinedMessage:
    """The envelope in a queue message body, or the whole body quarantined if it is none.

    ``sent_ms`` is when the queue accepted the message: the same on every redelivery, so a body
    delivered twice is quarantined once.
    """
    try:
        return TelemetryEnvelope.model_validate_json(body)
    except ValidationError as exc:
        reason = f"not a telemetry envelope: {exc.errors()[0]['msg']}"
        return QuarantinedMessage.of(
            device_id=UNKNOWN_DEVICE,
            received_ms=sent_ms,
            reason=reason,
            payload=body[:MAX_PAYLOAD_BYTES],
        )


def ingest_message(body: str, sent_ms: int, ports: IngestPorts) -> IngestResult:
    """Validate, quarantine, store in one batch, then forward what was stored to alerting."""
    parsed = parse_envelope(body, sent_ms)
    if isinstance(parsed, QuarantinedMessage):
        ports.quarantine.put([parsed])
        return IngestResult(envelope_id="", stored=0, quarantined=1)
    readings: list[Reading] = []
    refused: list[QuarantinedMessage] = []
    for message in parsed.items:
        valid, bad = validate_message(message, ports.limits)
        readings.extend(valid)
        refused.extend(bad)
    stored = _store(readings, refused, ports.store)
    if refused:
        ports.quarantine.put(refused)
    if stored:
        forwarded = [encode_forwarded(r.device_id, r.epoch_ms, r.metrics, r.seq) for r in stored]
        ports.alerts.publish(chunk_readings(parsed.id, forwarded))
    return IngestResult(envelope_id=parsed.id, stored=len(stored), quarantined=len(refused))


def _store(
    readings: list[Reading], refused: list[QuarantinedMessage], store: TelemetryStore
) -> list[Reading]:
    """Write readings in one batch; add what the store refused to ``refused``; return the rest."""
    if not readings:
        return []
    rejected = store.write(readings)
    if not rejected:
        return readings
    for reading, reason in rejected:
        refused.append(
            QuarantinedMessage.of(
                device_id=reading.device_id,
                received_ms=reading.epoch_ms,
                reason=f"refused by the telemetry store: {reason}",
                payload=reading.model_dump_json(),
            )
        )
    rejected_ids = {id(reading) for reading, _ in rejected}
    return [r for r in readings if id(r) not in rejected_ids]
