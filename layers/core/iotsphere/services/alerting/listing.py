"""Listing rules, alarms and silences a page at a time, filtered on the fields operators use.

A rule page resumes after the last rule id; an alarm page after the last alarm's activity time
and id (an opaque cursor), so alarms raised meanwhile never shift a page; silences come by start.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.alerting.rules import ID_PATTERN, Rule, Severity
from iotsphere.domain.alerting.silences import Silence
from iotsphere.domain.alerting.transitions import AlarmStatus
from iotsphere.domain.identity.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page
from iotsphere.domain.telemetry import DEVICE_ID_PATTERN, METRIC_NAME_PATTERN
from iotsphere.domain.timestamps import IsoDateTime
from iotsphere.services.alerting.admin_ports import (
    AlarmCatalog,
    AlarmFilters,
    AlarmPosition,
    RuleCatalog,
    RuleFilters,
)
from iotsphere.services.alerting.errors import InvalidCursorError
from iotsphere.services.alerting.ports import SilenceStore
from iotsphere.services.errors import InvalidQueryError

PageSize = Annotated[
    int, Field(ge=1, le=MAX_PAGE_SIZE, description=f"items per page, at most {MAX_PAGE_SIZE}")
]
Cursor = Annotated[
    str, Field(max_length=400, pattern=r"^[A-Za-z0-9_.:=-]+$", description="next_cursor of a page")
]


def true_or_false(value: object) -> object:
    """A flag in a query is ``true`` or ``false``; pydantic alone would also read 0, 1, yes, off…"""
    if isinstance(value, str) and value not in ("true", "false"):
        raise ValueError("expected true or false")
    return value


QueryFlag = Annotated[bool, BeforeValidator(true_or_false)]
StatusFilter = Literal["open", "active", "acknowledged", "cleared", "any"]
STATUSES: dict[str, frozenset[AlarmStatus]] = {
    "open": frozenset({AlarmStatus.ACTIVE, AlarmStatus.ACKNOWLEDGED}),
    "active": frozenset({AlarmStatus.ACTIVE}),
    "acknowledged": frozenset({AlarmStatus.ACKNOWLEDGED}),
    "cleared": frozenset({AlarmStatus.CLEARED}),
    "any": frozenset(),
}
FOREVER = timedelta(days=366 * 100)


class RuleQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: str | None = Field(
        default=None,
        pattern=METRIC_NAME_PATTERN.pattern,
        description="rules reading this metric: their own, or one a composite's part names",
    )
    severity: Severity | None = None
    enabled: QueryFlag | None = None
    cursor: str | None = Field(default=None, pattern=ID_PATTERN.pattern, description="a rule id")
    limit: PageSize = DEFAULT_PAGE_SIZE


class AlarmQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: StatusFilter = Field(default="open", description="open: active or acknowledged")
    severity: Severity | None = None
    device_id: str | None = Field(default=None, pattern=DEVICE_ID_PATTERN.pattern, max_length=128)
    rule_id: str | None = Field(default=None, pattern=ID_PATTERN.pattern)
    raised_after: IsoDateTime | None = Field(default=None, description="raised at or after")
    raised_before: IsoDateTime | None = Field(default=None, description="raised before")
    cursor: Cursor | None = None
    limit: PageSize = DEFAULT_PAGE_SIZE


class SilenceQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    include_ended: QueryFlag = Field(default=False, description="also silences already over")
    cursor: Cursor | None = None
    limit: PageSize = DEFAULT_PAGE_SIZE


def list_rules(org_id: str, query: RuleQuery, rules: RuleCatalog) -> Page[Rule]:
    filters = RuleFilters(metric=query.metric, severity=query.severity, enabled=query.enabled)
    found = rules.find_rules(org_id, filters, query.cursor, query.limit + 1)
    return _page(found, query.limit, lambda rule: rule.id)


def list_alarms(org_id: str, query: AlarmQuery, alarms: AlarmCatalog) -> Page[Alarm]:
    since, until = query.raised_after, query.raised_before
    if since is not None and until is not None and since > until:
        raise InvalidQueryError("query.raised_after: must not be later than raised_before")
    filters = AlarmFilters(
        statuses=STATUSES[query.status],
        severity=query.severity,
        device_id=query.device_id,
        rule_id=query.rule_id,
        raised_after=since,
        raised_before=until,
    )
    after = read_alarm_cursor(query.cursor) if query.cursor else None
    found = alarms.find_alarms(org_id, filters, after, query.limit + 1)
    return _page(found, query.limit, alarm_cursor)


def list_silences(
    org_id: str, query: SilenceQuery, now: datetime, silences: SilenceStore
) -> Page[Silence]:
    """Silences by start time; those already over only when asked."""
    since = now - FOREVER if query.include_ended else now
    found = sorted(silences.overlapping(org_id, since, now + FOREVER), key=_silence_position)
    if query.cursor:
        after = _read(query.cursor)
        found = [s for s in found if _silence_position(s) > after]
    return _page(found, query.limit, lambda silence: _write(_silence_position(silence)))


def alarm_cursor(alarm: Alarm) -> str:
    return _write([alarm.last_at.isoformat(), alarm.id])


def read_alarm_cursor(cursor: str) -> AlarmPosition:
    last_at, alarm_id = _read(cursor)
    try:
        moment = datetime.fromisoformat(last_at)
    except ValueError as exc:
        raise InvalidCursorError("cursor is not one this listing handed out") from exc
    if moment.tzinfo is None:
        raise InvalidCursorError("cursor is not one this listing handed out")
    return moment, alarm_id


def _page[T](found: list[T], limit: int, cursor_of: Callable[[T], str]) -> Page[T]:
    """One page from ``limit + 1`` items found: the extra one says another page follows."""
    items = found[:limit]
    return Page[T](items=items, next_cursor=cursor_of(items[-1]) if len(found) > limit else None)


def _silence_position(silence: Silence) -> list[str]:
    return [silence.starts_at.astimezone(UTC).isoformat(timespec="microseconds"), silence.id]


def _write(position: list[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


class _Position(BaseModel):
    position: tuple[str, str]


def _read(cursor: str) -> list[str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return list(_Position(position=raw).position)
    except (ValueError, binascii.Error, ValidationError) as exc:
        raise InvalidCursorError("cursor is not one this listing handed out") from exc
