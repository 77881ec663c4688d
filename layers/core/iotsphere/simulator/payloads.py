"""The device's wire format: one reading per message, UTF-8 JSON, a millisecond UTC timestamp:
``{"ts": "2026-11-26T18:00:00.123Z", "seq": 42, "metrics": {"temperature": 21.53}}``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

TOPIC_TEMPLATE = "devices/{device_id}/telemetry"
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))  # json.dumps would build one per call


def telemetry_topic(device_id: str) -> str:
    return TOPIC_TEMPLATE.format(device_id=device_id)


def format_ts(epoch_ms: int) -> str:
    """ISO 8601 UTC with milliseconds and a ``Z``: ``2026-11-26T18:00:00.123Z``."""
    seconds, millis = divmod(epoch_ms, 1000)
    return f"{_second(seconds)}.{millis:03d}Z"


@lru_cache(maxsize=4096)  # a fleet's readings share their seconds: format each second once
def _second(epoch_s: int) -> str:
    return datetime.fromtimestamp(epoch_s, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")


def reading_document(epoch_ms: int, seq: int, metrics: dict[str, Any]) -> dict[str, Any]:
    return {"ts": format_ts(epoch_ms), "seq": seq, "metrics": metrics}


def encode(document: Any) -> bytes:
    """Compact JSON; a NaN stays the ``NaN`` literal (the malformed payloads rely on it)."""
    return _COMPACT_JSON.encode(document).encode("utf-8")
