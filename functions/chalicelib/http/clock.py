"""The time a route acts at: now, in UTC (one place, so tests can swap a module's ``now``)."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(tz=UTC)
