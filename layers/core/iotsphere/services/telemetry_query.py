"""Reading telemetry back: one metric of one device, raw or aggregated per window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from iotsphere.domain.telemetry_query import SeriesPoint, TelemetryQuery
from iotsphere.services.errors import InvalidQueryError
from iotsphere.services.ports import TelemetryStore


def build_query(**params: Any) -> TelemetryQuery:
    """A checked query from loosely typed parameters; ``InvalidQueryError`` says what is wrong."""
    try:
        return TelemetryQuery.model_validate(params)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "query"
        raise InvalidQueryError(f"{field}: {first['msg']}") from exc


def read_telemetry(store: TelemetryStore, query: TelemetryQuery) -> list[SeriesPoint]:
    return store.query(query)


def parse_time(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidQueryError(f"{name}: {value[:40]!r} is not an ISO 8601 time") from exc
    if parsed.tzinfo is None:
        raise InvalidQueryError(f"{name}: {value[:40]!r} needs a time zone (use Z for UTC)")
    return parsed
