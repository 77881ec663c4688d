"""Field types shared by identity records and inputs: e-mail, names, passwords, ids, time zones."""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, StringConstraints

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
ID_PATTERN = r"^[a-z0-9]{1,40}$"
TIME_ZONE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$")
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 256


def normalize_email(value: str) -> str:
    """Addresses are compared case-insensitively: stored and looked up stripped and lower case."""
    email = value.strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.fullmatch(email):
        raise ValueError("not an e-mail address (name@example.com)")
    return email


def check_password(value: str) -> str:
    if len(value) < MIN_PASSWORD_CHARS:
        raise ValueError(f"at least {MIN_PASSWORD_CHARS} characters")
    if not value.strip():
        raise ValueError("must not be only spaces")
    return value


def check_time_zone(value: str) -> str:
    """An IANA time zone name such as ``Europe/Berlin``."""
    if not TIME_ZONE_PATTERN.fullmatch(value):
        raise ValueError(f"{value[:64]!r} is not an IANA time zone name (such as Europe/Berlin)")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value[:64]!r}") from exc
    return value


# The constraints are also the OpenAPI schema, so clients and fuzzers know the rules up front.
Email = Annotated[
    str,
    StringConstraints(max_length=254, pattern=EMAIL_PATTERN.pattern),
    AfterValidator(normalize_email),
]
Password = Annotated[
    str,
    StringConstraints(min_length=MIN_PASSWORD_CHARS, max_length=MAX_PASSWORD_CHARS),
    AfterValidator(check_password),
]
# A password typed at login is checked only for size: old passwords may predate the rules.
PasswordAttempt = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PASSWORD_CHARS)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
RecordId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
TimeZone = Annotated[
    str,
    StringConstraints(max_length=64, pattern=TIME_ZONE_PATTERN.pattern),
    AfterValidator(check_time_zone),
]
