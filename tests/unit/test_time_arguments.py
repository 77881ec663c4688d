"""Times on the command line: ISO 8601 with a zone, ``now``, or an offset back from now."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta, timezone

import pytest

from iotsphere.services.time_arguments import EXPECTED, TimeArguments, format_time, parse_time

NOW = datetime(2026, 11, 27, 10, 0, 0, 750_000, tzinfo=UTC)
SECOND = NOW.replace(microsecond=0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", SECOND),
        (" NOW ", SECOND),
        ("-30s", SECOND - timedelta(seconds=30)),
        ("-90m", SECOND - timedelta(minutes=90)),
        ("-24h", SECOND - timedelta(hours=24)),
        ("-7d", SECOND - timedelta(days=7)),
        ("-0s", SECOND),
        ("2026-11-26T18:00:00Z", datetime(2026, 11, 26, 18, tzinfo=UTC)),
        ("2026-11-26T19:30:00+01:30", datetime(2026, 11, 26, 18, tzinfo=UTC)),
        ("2026-11-26 18:00:00.250+00:00", datetime(2026, 11, 26, 18, 0, 0, 250_000, tzinfo=UTC)),
    ],
)
def test_a_time_is_iso_now_or_an_offset_back_from_the_current_second_in_utc(text, expected):
    found = parse_time(text, NOW)
    assert found == expected
    assert found.utcoffset() == timedelta(0)


def test_now_is_read_in_utc_whatever_zone_the_clock_gives():
    east = NOW.astimezone(timezone(timedelta(hours=5)))
    assert parse_time("-1h", east) == SECOND - timedelta(hours=1)
    assert parse_time("-1h", east).tzinfo == UTC


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "24h",
        "+24h",
        "-24",
        "-1.5h",
        "-5M",
        "-1w",
        "-1h30m",
        "now-1h",
        "1764237600",
    ],
)
def test_anything_else_is_refused_with_what_is_expected(text):
    with pytest.raises(ValueError, match=r"^expected ISO 8601 ") as refused:
        parse_time(text, NOW)
    assert str(refused.value) == f"{EXPECTED}, not {text!r}"


def test_an_iso_time_without_a_zone_is_refused_as_the_api_refuses_it():
    with pytest.raises(ValueError, match="has no zone: add Z for UTC or an offset such as"):
        parse_time("2026-11-26T18:00:00", NOW)


def test_an_impossible_date_or_a_huge_offset_is_refused_by_name():
    with pytest.raises(ValueError, match="not an ISO 8601 time"):
        parse_time("2026-02-30T18:00:00Z", NOW)
    with pytest.raises(ValueError, match="-999999999d goes back before the year 1"):
        parse_time("-999999999d", NOW)
    with pytest.raises(ValueError, match="0001-01-01T00:30:00\\+01:00 is before the year 1 in UTC"):
        parse_time("0001-01-01T00:30:00+01:00", NOW)


def test_format_time_writes_utc_with_z():
    assert format_time(datetime(2026, 11, 26, 19, 30, tzinfo=timezone(timedelta(hours=1)))) == (
        "2026-11-26T18:30:00Z"
    )


def parser_with_times(clock=lambda: NOW) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="t")
    times = TimeArguments(parser, clock)
    times.add("--start", required=True, help="from")
    times.add("--end", default="now", help="to")
    return parser


def test_an_offset_after_its_flag_is_its_value_not_an_option():
    args = parser_with_times().parse_args(["--start", "-24h", "--end", "-1h"])
    assert (args.start, args.end) == (SECOND - timedelta(hours=24), SECOND - timedelta(hours=1))
    assert parser_with_times().parse_args(["--start=-90m"]).start == SECOND - timedelta(minutes=90)


def test_the_times_of_one_command_count_from_one_reading_of_the_clock():
    readings = iter([NOW, NOW + timedelta(seconds=1)])
    args = parser_with_times(clock=lambda: next(readings)).parse_args(["--start", "-1h"])
    assert (args.start, args.end) == (SECOND - timedelta(hours=1), SECOND)


def test_a_bad_time_is_an_argparse_error_naming_the_flag(capsys):
    with pytest.raises(SystemExit) as stopped:
        parser_with_times().parse_args(["--start", "yesterday"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"t: error: argument --start: {EXPECTED}, not 'yesterday'"
    )
