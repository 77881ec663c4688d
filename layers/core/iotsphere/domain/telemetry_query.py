"""A question about one metric of one device over a time range, bounded so it stays cheap."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from iotsphere.domain.telemetry import DEVICE_ID_PATTERN, METRIC_NAME_PATTERN

Aggregation = Literal["mean", "median", "min", "max", "sum", "count", "first", "last", "stddev"]
WINDOW_PATTERN = re.compile(r"^([1-9][0-9]{0,5})(s|m|h|d)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_LIMIT = 10_000
MAX_BUCKETS = 100_000
# InfluxDB keeps nanoseconds since 1970 in 64 bits: 1677 to 2262; readings predate neither bound.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2262, 1, 1, tzinfo=UTC)


def window_seconds(window: str) -> int:
    match = WINDOW_PATTERN.fullmatch(window)
    if not match:
        raise ValueError(f"window {window[:20]!r} must be a whole number of s, m, h or d, like 5m")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


class TelemetryQuery(BaseModel):
    """Raw points when ``window`` is None; one ``aggregation`` value per window otherwise."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    device_id: str = Field(pattern=DEVICE_ID_PATTERN.pattern)
    metric: str = Field(pattern=METRIC_NAME_PATTERN.pattern)
    start: datetime
    end: datetime
    window: str | None = None
    aggregation: Aggregation = "mean"
    limit: int = Field(default=1000, ge=1, le=MAX_LIMIT)

    @model_validator(mode="after")
    def _check_range(self) -> TelemetryQuery:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("start and end need a time zone (use Z for UTC)")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if self.start < EARLIEST or self.end > LATEST:
            raise ValueError(f"start and end must lie between {EARLIEST:%Y} and {LATEST:%Y}")
        if self.window is not None:
            buckets = (self.end - self.start) / timedelta(seconds=window_seconds(self.window))
            if buckets > MAX_BUCKETS:
                raise ValueError(
                    f"{int(buckets)} windows of {self.window} in the range; at most {MAX_BUCKETS}"
                )
        return self


class SeriesPoint(BaseModel):
    time: datetime
    value: float | bool | str | None
