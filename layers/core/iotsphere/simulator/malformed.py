"""Payloads a buggy device sends: each kind is one the telemetry contract refuses.

A string where a number belongs is sent as ``"seq": "42"``; a string *metric* value would not do,
because the contract accepts short strings as metrics.
"""

from __future__ import annotations

import random
from datetime import timedelta
from enum import StrEnum
from typing import Any

from iotsphere.domain.telemetry import MAX_PAYLOAD_BYTES
from iotsphere.simulator.payloads import encode, reading_document

OVERSIZED_BYTES = MAX_PAYLOAD_BYTES + 1024  # beyond the contract's limit (and beyond 64 KiB)
DAY_MS = timedelta(days=1) // timedelta(milliseconds=1)


class MalformedKind(StrEnum):
    INVALID_JSON = "invalid_json"
    WRONG_TYPE = "wrong_type"
    NAN = "nan"
    OVERSIZED = "oversized"
    FUTURE_TS = "future_ts"
    EMPTY_METRICS = "empty_metrics"


def _numeric(metrics: dict[str, Any]) -> list[str]:
    return [name for name, value in metrics.items() if isinstance(value, float)]


def _wrong_type(document: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    variant = rng.randrange(4)
    if variant == 0:
        return {**document, "seq": str(document["seq"])}
    if variant == 1:
        return {**document, "ts": True}
    if variant == 2:
        return {**document, "metrics": list(document["metrics"].values())}
    metrics = dict(document["metrics"])
    name = rng.choice(_numeric(metrics))
    metrics[name] = {"value": metrics[name], "unit": "?"}
    return {**document, "metrics": metrics}


def malformed_payload(
    kind: MalformedKind, epoch_ms: int, seq: int, metrics: dict[str, Any], rng: random.Random
) -> bytes:
    """A payload of ``kind`` built from the reading the device would have sent."""
    document = reading_document(epoch_ms, seq, metrics)
    if kind is MalformedKind.INVALID_JSON:
        valid = encode(document)
        return valid[: rng.randint(1, len(valid) - 2)]  # a cut-off object never parses
    if kind is MalformedKind.WRONG_TYPE:
        return encode(_wrong_type(document, rng))
    if kind is MalformedKind.NAN:
        name = rng.choice(_numeric(metrics))
        return encode({**document, "metrics": {**metrics, name: float("nan")}})
    if kind is MalformedKind.OVERSIZED:
        return encode({**document, "metrics": {**metrics, "debug_dump": "x" * OVERSIZED_BYTES}})
    if kind is MalformedKind.FUTURE_TS:
        ahead = epoch_ms + rng.randint(1, 365) * DAY_MS
        return encode(reading_document(ahead, seq, metrics))
    return encode({**document, "metrics": {}})
