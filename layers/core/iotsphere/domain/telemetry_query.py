"""Questions about stored telemetry, each bounded so it stays cheap: one metric of one device over
a time range, the latest values of many devices, and a metric aggregated over many devices."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from iotsphere.domain.telemetry import DEVICE_ID_PATTERN, METRIC_NAME_PATTERN

Aggregation = Literal["mean", "median", "min", "max", "sum", "count", "first", "last", "stddev"]
WINDOW_PATTERN = re.compile(r"^([1-9][0-9]{0,5})(s|m|h|d)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_LIMIT = 10_000
MAX_BUCKETS = 100_000
MAX_EXPORT_ROWS = 100_000
MAX_EXPORT_BYTES = 5 * 1024 * 1024  # a Lambda answers at most 6 MB
MAX_LATEST_DEVICES = 100
MAX_LATEST_METRICS = 10
MAX_FLEET_DEVICES = 1000
MAX_SERIES_DEVICES = 200  # one InfluxQL statement binds each device id as a parameter
# InfluxDB keeps nanoseconds since 1970 in 64 bits: 1677 to 2262; readings predate neither bound.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2262, 1, 1, tzinfo=UTC)
DEFAULT_RANGE = timedelta(hours=1)

TelemetryDeviceId = Annotated[str, StringConstraints(pattern=DEVICE_ID_PATTERN.pattern)]
MetricName = Annotated[str, StringConstraints(pattern=METRIC_NAME_PATTERN.pattern)]
Value = float | bool | str | None


def default_start(end: datetime) -> datetime:
    """An hour before ``end``, or the earliest time InfluxDB keeps (never an overflow)."""
    return end - DEFAULT_RANGE if end >= EARLIEST + DEFAULT_RANGE else EARLIEST


def window_seconds(window: str) -> int:
    match = WINDOW_PATTERN.fullmatch(window)
    if not match:
        raise ValueError(f"window {window[:20]!r} must be a whole number of s, m, h or d, like 5m")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def check_range(start: datetime, end: datetime, window: str | None) -> None:
    """Raise ``ValueError`` unless ``start < end`` lie in InfluxDB's range with few windows."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end need a time zone (use Z for UTC)")
    if start < EARLIEST or end < EARLIEST or start > LATEST or end > LATEST:
        raise ValueError(f"start and end must lie between {EARLIEST:%Y} and {LATEST:%Y}")
    if end <= start:
        raise ValueError("end must be after start")
    if window is not None:
        buckets = (end - start) / timedelta(seconds=window_seconds(window))
        if buckets > MAX_BUCKETS:
            raise ValueError(
                f"{int(buckets)} windows of {window} in the range; at most {MAX_BUCKETS}"
            )


class TelemetryQuery(BaseModel):
    """Raw points when ``window`` is None; one ``aggregation`` value per window otherwise.

    Newest first unless ``oldest_first``; ``limit`` goes one past the export cap so an export can
    tell a capped answer from a complete one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    device_id: TelemetryDeviceId
    metric: MetricName
    start: datetime
    end: datetime
    window: str | None = None
    aggregation: Aggregation = "mean"
    limit: int = Field(default=1000, ge=1, le=MAX_EXPORT_ROWS + 1)
    oldest_first: bool = False

    @model_validator(mode="after")
    def _check_range(self) -> Self:
        check_range(self.start, self.end, self.window)
        return self


class SeriesPoint(BaseModel):
    time: datetime
    value: Value


class DevicesSeriesQuery(BaseModel):
    """Raw points of one metric of many devices over one range: each device's newest
    ``limit_per_device``, newest first. One read primes the windows of many new evaluator states
    (a rule saved over a group of a thousand devices) instead of one read per device."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    device_ids: tuple[TelemetryDeviceId, ...] = Field(min_length=1, max_length=MAX_SERIES_DEVICES)
    metric: MetricName
    start: datetime
    end: datetime
    limit_per_device: int = Field(default=MAX_LIMIT, ge=1, le=MAX_LIMIT)

    @model_validator(mode="after")
    def _check_range(self) -> Self:
        check_range(self.start, self.end, None)
        return self


class LatestQuery(BaseModel):
    """The newest value of each metric of each device, whenever it was stored."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    device_ids: tuple[TelemetryDeviceId, ...] = Field(min_length=1, max_length=MAX_LATEST_DEVICES)
    metrics: tuple[MetricName, ...] = Field(min_length=1, max_length=MAX_LATEST_METRICS)


class LatestValue(BaseModel):
    device_id: str
    metric: str
    time: datetime
    value: Value


class FleetQuery(BaseModel):
    """One metric over many devices: mean, min, max and count per window, newest window first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    device_ids: tuple[TelemetryDeviceId, ...] = Field(min_length=1, max_length=MAX_FLEET_DEVICES)
    metric: MetricName
    start: datetime
    end: datetime
    window: str
    limit: int = Field(default=1000, ge=1, le=MAX_LIMIT)

    @model_validator(mode="after")
    def _check_range(self) -> Self:
        check_range(self.start, self.end, self.window)
        return self


class FleetWindow(BaseModel):
    time: datetime = Field(description="the window's start")
    mean: float | None
    min: float | None
    max: float | None
    count: int = Field(description="readings in the window, over every device")
