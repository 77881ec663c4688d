from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.errors import InvalidReadingError
from iotsphere.domain.telemetry import (
    MAX_METRICS,
    TelemetryLimits,
    normalize_reading,
    parse_timestamp,
)

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
LIMITS = TelemetryLimits(max_future=timedelta(minutes=10), max_age=timedelta(days=30))


def normalize(raw, device_id="dev-1"):
    return normalize_reading(device_id, raw, now=NOW, limits=LIMITS)


def test_a_valid_reading_is_normalized_to_utc_milliseconds():
    reading = normalize(
        {
            "ts": "2026-11-26T19:59:59.123456+02:00",
            "seq": 7,
            "metrics": {"t": 21, "on": True, "m": "auto"},
        }
    )
    assert reading.ts == datetime(2026, 11, 26, 17, 59, 59, 123000, tzinfo=UTC)
    assert reading.metrics == {"t": 21.0, "on": True, "m": "auto"}
    assert isinstance(reading.metrics["t"], float)
    assert reading.seq == 7
    assert reading.epoch_ms == 1795715999123


def test_numeric_timestamps_are_epoch_milliseconds():
    assert parse_timestamp(1795716000000) == NOW
    assert parse_timestamp("2026-11-26T18:00:00") == NOW  # no offset means UTC
    assert parse_timestamp(1795715999123).microsecond == 123000
    assert parse_timestamp(1795715999123.9).microsecond == 123000


def test_out_of_range_epoch_is_refused():
    with pytest.raises(InvalidReadingError, match="out of range"):
        parse_timestamp(10**20)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"metrics": {"t": 1}}, "ts is required"),
        ({"ts": "yesterday", "metrics": {"t": 1}}, "not an ISO 8601"),
        ({"ts": True, "metrics": {"t": 1}}, "not a boolean"),
        ({"ts": "2026-11-26T18:11:00Z", "metrics": {"t": 1}}, "ahead of the platform clock"),
        ({"ts": "2026-10-01T00:00:00Z", "metrics": {"t": 1}}, "older than the retention"),
        ({"ts": "2026-11-26T18:00:00Z", "metrics": {}}, "non-empty"),
        ({"ts": "2026-11-26T18:00:00Z", "metrics": [1, 2]}, "non-empty JSON object"),
        ({"ts": "2026-11-26T18:00:00Z", "metrics": {"t": float("nan")}}, "finite number"),
        ({"ts": "2026-11-26T18:00:00Z", "metrics": {"t": float("inf")}}, "finite number"),
        ({"ts": "2026-11-26T18:00:00Z", "metrics": {"t": None}}, "got NoneType"),
        ({"ts": "2026-11-26T18:00:00Z", "metrics": {"t": {"x": 1}}}, "got dict"),
        ({"ts": "2026-11-26T18:00:00Z", "metrics": {"t": "x" * 65}}, "at most 64"),
        ({"ts": "2026-11-26T18:00:00Z", "metrics": {"bad name": 1}}, "metric name"),
        ({"ts": "2026-11-26T18:00:00Z", "metrics": {"seq": 1}}, "reserved"),
        ({"ts": "2026-11-26T18:00:00Z", "seq": -1, "metrics": {"t": 1}}, "seq must be"),
        ({"ts": "2026-11-26T18:00:00Z", "seq": "1", "metrics": {"t": 1}}, "seq must be"),
        ({"ts": "2026-11-26T18:00:00Z", "metrics": {"t": 1}, "extra": 1}, "unknown fields: extra"),
        ({"ts": "2026-11-26T18:00:00Z", "metrics": {"t": 1}, "v": 2}, "version 2"),
        ([{"ts": 1}], "must be a JSON object"),
    ],
)
def test_invalid_readings_are_refused_with_a_precise_reason(raw, reason):
    with pytest.raises(InvalidReadingError, match=reason):
        normalize(raw)


def test_too_many_metrics_are_refused():
    metrics = {f"m{i}": 1.0 for i in range(MAX_METRICS + 1)}
    with pytest.raises(InvalidReadingError, match=f"at most {MAX_METRICS}"):
        normalize({"ts": "2026-11-26T18:00:00Z", "metrics": metrics})


@pytest.mark.parametrize("device_id", ["", "a/b", "x" * 129, "-lead", "has space"])
def test_bad_device_ids_are_refused(device_id):
    with pytest.raises(InvalidReadingError, match="device id"):
        normalize({"ts": "2026-11-26T18:00:00Z", "metrics": {"t": 1}}, device_id=device_id)
