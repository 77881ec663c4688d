"""Times that come from people and programs: ISO 8601 text with a zone, nothing else.

Pydantic also reads numbers (and numeric strings) as Unix times; a query or body that says
``until=0.5`` is almost always a mistake, and the OpenAPI document promises ``date-time``.

A time must also have a UTC time: year 1 at +01:00 is still year 0 in UTC, which no store can
take (MongoDB's driver overflowed converting it, a 500); such a time is refused as input.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator

ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def require_iso_text(value: object) -> object:
    """ISO text becomes a ``datetime`` here, so strict validation (JSON bodies) accepts it too."""
    if isinstance(value, int | float):
        raise ValueError("expected an ISO 8601 time with a zone, not a number")
    if isinstance(value, str):
        if not ISO_DATE_TIME.match(value):
            raise ValueError("expected an ISO 8601 time with a zone, such as 2026-11-27T10:00:00Z")
        try:
            return datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"not an ISO 8601 time: {exc}") from exc
    return value


def require_utc_time(value: datetime) -> datetime:
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            f"{value.isoformat()} has no UTC time: times lie between years 1 and 9999 in UTC"
        ) from None
    return value


IsoDateTime = Annotated[
    AwareDatetime, BeforeValidator(require_iso_text), AfterValidator(require_utc_time)
]
