"""When a matched notification goes out: now, at the end of the subscriber's quiet hours, or
with the next digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from iotsphere.domain.alerting.rules import Severity
from iotsphere.domain.notifications.subscriptions import Digest, QuietHours, Subscription

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def in_quiet_hours(quiet: QuietHours, moment: datetime) -> bool:
    local = moment.astimezone(ZoneInfo(quiet.time_zone)).time().replace(tzinfo=None)
    if quiet.start < quiet.end:
        return quiet.start <= local < quiet.end
    return local >= quiet.start or local < quiet.end


def quiet_hours_end(quiet: QuietHours, moment: datetime) -> datetime:
    """The first instant at or after ``moment`` outside the quiet hours, in UTC."""
    zone = ZoneInfo(quiet.time_zone)
    local = moment.astimezone(zone)
    day = local.date()
    for offset in (0, 1):
        candidate = _local_instant(day + timedelta(days=offset), quiet.end, zone)
        if candidate > moment:
            return candidate.astimezone(UTC)
    return moment  # unreachable for a non-empty window: the end comes within a day


def _local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def next_digest(digest: Digest, moment: datetime) -> datetime:
    """The end of the digest period ``moment`` falls in; periods are aligned on the epoch, so
    every notifier instance puts the same notification in the same digest."""
    period = timedelta(minutes=digest.every_minutes)
    elapsed = (moment - EPOCH) // period
    return EPOCH + (elapsed + 1) * period


def send_at(subscription: Subscription, severity: Severity, now: datetime) -> datetime | None:
    """None to send now; otherwise the moment to send (digest and quiet hours both respected)."""
    due: datetime | None = None
    if subscription.digest is not None:
        due = next_digest(subscription.digest, now)
    quiet = subscription.quiet_hours
    if quiet is not None and not (severity is Severity.CRITICAL and quiet.critical_bypasses):
        moment = due or now
        if in_quiet_hours(quiet, moment):
            due = quiet_hours_end(quiet, moment)
    return due
