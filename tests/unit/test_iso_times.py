"""Times from people and programs: ISO 8601 with a zone, within the calendar once in UTC (MongoDB
and every store convert to UTC; year 1 at +01:00 has no UTC time and failed as a 500)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter, ValidationError

from iotsphere.domain.timestamps import IsoDateTime

TIMES = TypeAdapter(IsoDateTime)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        ("0001-01-01T00:00:00-01:00", datetime(1, 1, 1, tzinfo=timezone(-timedelta(hours=1)))),
        (
            "9999-12-31T23:59:59+01:00",
            datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("2026-11-27T10:00:00+05:30", datetime(2026, 11, 27, 4, 30, tzinfo=UTC)),
    ],
)
def test_times_within_the_calendar_in_utc_are_read(text, expected):
    assert TIMES.validate_python(text) == expected


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+01:00", "0001-01-01T00:59:59+01:00", "9999-12-31T23:59:00-01:00"]
)
def test_a_time_beyond_the_calendar_once_in_utc_is_refused_with_the_reason(text):
    with pytest.raises(ValidationError, match="between years 1 and 9999 in UTC"):
        TIMES.validate_python(text)


def test_a_datetime_given_as_such_is_checked_too():
    with pytest.raises(ValidationError, match="between years 1 and 9999 in UTC"):
        TIMES.validate_python(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))))
