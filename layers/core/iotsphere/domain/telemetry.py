"""The telemetry contract: what a device may send, and the normalized reading we store.

A device publishes JSON to ``devices/<id>/telemetry``: one reading, or a list of readings::

    {"ts": "2026-11-26T18:00:00.123Z", "seq": 42, "metrics": {"temperature": 21.5, "door": false}}

``ts`` is the device's own clock, ISO 8601 (an offset is converted to UTC; no offset means UTC) or
epoch **milliseconds** as a number. Timestamps are kept to the millisecond: device id plus ``ts`` is
the identity of a reading: a redelivered reading overwrites itself instead of adding a second one.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from functools import cached_property, lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.errors import InvalidReadingError

SCHEMA_VERSION = 1
MAX_PAYLOAD_BYTES = 128 * 1024
MAX_METRICS = 100
MAX_STRING_CHARS = 64
MAX_READINGS_PER_PAYLOAD = 500
DEVICE_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
METRIC_NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
RESERVED_METRIC_NAMES = frozenset({"seq", "time", "device_id"})
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class TelemetryLimits(BaseModel):
    """How far from now a device clock may be, and how old a reading may be (the retention)."""

    model_config = ConfigDict(frozen=True)

    max_future: timedelta = timedelta(minutes=10)
    max_age: timedelta = timedelta(days=30)


class Reading(BaseModel):
    """One normalized reading: UTC millisecond timestamp, finite metrics, optional sequence."""

    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    device_id: str
    ts: datetime
    metrics: dict[str, float | bool | str]
    seq: Annotated[int, Field(ge=0, lt=2**63)] | None = None

    @cached_property
    def epoch_ms(self) -> int:
        return (self.ts - EPOCH) // timedelta(milliseconds=1)


def validate_device_id(device_id: str) -> str:
    if not DEVICE_ID_PATTERN.fullmatch(device_id):
        raise InvalidReadingError(
            f"device id {device_id[:140]!r} must be 1-128 letters, digits or _ . : - "
            "and start with a letter or digit"
        )
    return device_id


def parse_timestamp(raw: Any) -> datetime:
    """A device timestamp as an aware UTC datetime truncated to milliseconds."""
    if isinstance(raw, bool):
        raise InvalidReadingError(
            "ts must be an ISO 8601 string or epoch milliseconds, not a boolean"
        )
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            raise InvalidReadingError("ts must be finite")
        try:
            ts = EPOCH + timedelta(milliseconds=raw)
        except (OverflowError, ValueError) as exc:
            raise InvalidReadingError(f"ts {raw!r} is out of range for epoch milliseconds") from exc
    elif isinstance(raw, str):
        try:
            ts = datetime.fromisoformat(raw)
        except ValueError as exc:
            raise InvalidReadingError(f"ts {raw[:64]!r} is not an ISO 8601 timestamp") from exc
        ts = ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
    else:
        raise InvalidReadingError("ts is required: an ISO 8601 string or epoch milliseconds")
    return ts.replace(microsecond=ts.microsecond - ts.microsecond % 1000)


# A fleet sends the same few metric names millions of times: each valid one is checked once
# (bounded, so a device inventing names cannot grow the cache without end; a refusal raises and
# is never cached). Names are keys of a decoded JSON object, so always hashable.
@lru_cache(maxsize=10_000)
def validate_metric_name(name: Any) -> str:
    if not isinstance(name, str) or not METRIC_NAME_PATTERN.fullmatch(name):
        raise InvalidReadingError(
            f"metric name {str(name)[:80]!r} must start with a letter and hold at most 64 "
            "letters, digits or _ . -"
        )
    if name in RESERVED_METRIC_NAMES:
        raise InvalidReadingError(f"metric name {name!r} is reserved")
    return name


def normalize_metric(name: Any, value: Any) -> float | bool | str:
    validate_metric_name(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise InvalidReadingError(f"metric {name!r} must be a finite number, got {value!r}")
        return number
    if isinstance(value, str):
        if len(value) > MAX_STRING_CHARS:
            raise InvalidReadingError(
                f"metric {name!r} is a string of {len(value)} characters; "
                f"at most {MAX_STRING_CHARS}"
            )
        return value
    raise InvalidReadingError(
        f"metric {name!r} must be a number, a boolean or a short string, got {type(value).__name__}"
    )


def normalize_reading(
    device_id: str, raw: Any, *, now: datetime, limits: TelemetryLimits
) -> Reading:
    """Check one decoded reading against the contract and return it normalized."""
    if not isinstance(raw, dict):
        raise InvalidReadingError(f"a reading must be a JSON object, got {type(raw).__name__}")
    unknown = set(raw) - {"ts", "seq", "metrics", "v"}
    if unknown:
        raise InvalidReadingError(f"unknown fields: {', '.join(sorted(map(str, unknown)))}")
    version = raw.get("v", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise InvalidReadingError(
            f"schema version {version!r} is not supported (use {SCHEMA_VERSION})"
        )
    ts = parse_timestamp(raw.get("ts"))
    if ts > now + limits.max_future:
        raise InvalidReadingError(
            f"ts {ts.isoformat()} is more than {limits.max_future} ahead of the platform clock"
        )
    if ts < now - limits.max_age:
        raise InvalidReadingError(
            f"ts {ts.isoformat()} is older than the retention of {limits.max_age}"
        )
    metrics = raw.get("metrics")
    if not isinstance(metrics, dict) or not metrics:
        raise InvalidReadingError("metrics must be a non-empty JSON object of name -> value")
    if len(metrics) > MAX_METRICS:
        raise InvalidReadingError(f"{len(metrics)} metrics in one reading; at most {MAX_METRICS}")
    seq = raw.get("seq")
    if seq is not None and (
        isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 2**63
    ):
        raise InvalidReadingError("seq must be a non-negative integer below 2^63")
    return Reading(
        device_id=validate_device_id(device_id),
        ts=ts,
        seq=seq,
        metrics={name: normalize_metric(name, value) for name, value in metrics.items()},
    )
