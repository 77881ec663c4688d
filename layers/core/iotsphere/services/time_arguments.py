"""Times an operator types on the command line: ISO 8601 with a zone (as the API takes them),
``now``, or an offset back from now (``-30s``, ``-90m``, ``-24h``, ``-7d``), all read in UTC.

One grammar for every command that takes a time. It sits in services, below each layer that has
commands (``client``, ``local``, the simulator), so any of them can use it. ``now`` and offsets
count from the current second: a time an operator reads back needs no microseconds.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from iotsphere.domain.timestamps import ISO_DATE_TIME

EXPECTED = "expected ISO 8601 (2026-11-27T10:00:00Z), 'now' or an offset like -24h"
OFFSET = re.compile(r"-(\d{1,9})([smhd])")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_time(text: str, now: datetime) -> datetime:
    """``text`` as an aware UTC time; a ``ValueError`` says what was expected instead."""
    word = text.strip()
    second = now.astimezone(UTC).replace(microsecond=0)
    if word.lower() == "now":
        return second
    offset = OFFSET.fullmatch(word)
    if offset:
        try:
            return second - timedelta(**{UNITS[offset[2]]: int(offset[1])})
        except OverflowError as exc:
            raise ValueError(f"{word} goes back before the year 1") from exc
    if not ISO_DATE_TIME.match(word):
        raise ValueError(f"{EXPECTED}, not {text!r}")
    try:
        found = datetime.fromisoformat(word)
    except ValueError as exc:
        raise ValueError(f"{word!r} is not an ISO 8601 time: {exc}") from exc
    if found.tzinfo is None:
        raise ValueError(f"{word} has no zone: add Z for UTC or an offset such as +01:00")
    try:
        return found.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"{word} is before the year 1 in UTC") from exc


def format_time(moment: datetime) -> str:
    """ISO 8601 in UTC with ``Z``, as the API writes times."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class TimeArguments:
    """The time options of one command. All of them count from one reading of the clock (taken
    at the first), so ``--start -1h --end now`` are an hour apart exactly."""

    def __init__(self, parser: argparse.ArgumentParser, clock: Callable[[], datetime] = utc_now):
        self.parser = parser
        self.clock = clock
        self.now: datetime | None = None
        # argparse takes ``-24h`` after ``--start`` for an option of its own (it lets only
        # negative numbers through as values): let offsets through too.
        negative_numbers = parser._negative_number_matcher.pattern
        parser._negative_number_matcher = re.compile(f"{negative_numbers}|^{OFFSET.pattern}$")

    def add(self, flag: str, **options: Any) -> None:
        self.parser.add_argument(flag, type=self.parse, metavar="TIME", **options)

    def parse(self, text: str) -> datetime:
        if self.now is None:
            self.now = self.clock()
        try:
            return parse_time(text, self.now)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc
