"""Quiet hours in the subscriber's time zone, digests aligned on the epoch, critical bypass."""

from datetime import UTC, datetime, time

import pytest

from iotsphere.domain.alerting.rules import Severity
from iotsphere.domain.notifications.subscriptions import QuietHours
from iotsphere.domain.notifications.timing import in_quiet_hours, quiet_hours_end, send_at
from tests.unit.notifications.factories import subscription

BERLIN_NIGHT = {"start": "22:00", "end": "07:00", "time_zone": "Europe/Berlin"}


def utc(hour, minute=0, day=26):
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (utc(20, 59), False),  # 21:59 in Berlin (UTC+1 in November)
        (utc(21, 0), True),  # 22:00 exactly: quiet starts
        (utc(3, 0), True),
        (utc(5, 59), True),
        (utc(6, 0), False),  # 07:00 exactly: quiet is over
    ],
)
def test_quiet_hours_over_midnight_in_the_subscribers_zone(moment, quiet):
    assert in_quiet_hours(QuietHours.model_validate(BERLIN_NIGHT), moment) is quiet


def test_quiet_hours_within_a_day():
    lunch = QuietHours(start=time(12), end=time(13), time_zone="UTC")
    assert in_quiet_hours(lunch, utc(12, 30))
    assert not in_quiet_hours(lunch, utc(13, 0))


def test_quiet_hours_end_is_the_next_local_end_in_utc():
    quiet = QuietHours.model_validate(BERLIN_NIGHT)
    assert quiet_hours_end(quiet, utc(21, 30)) == utc(6, 0, day=27)
    assert quiet_hours_end(quiet, utc(3, 0)) == utc(6, 0)


def test_empty_quiet_hours_are_refused():
    with pytest.raises(ValueError, match="empty"):
        QuietHours(start=time(7), end=time(7), time_zone="UTC")


def test_outside_quiet_hours_and_without_digest_it_goes_now():
    sub = subscription(quiet_hours=BERLIN_NIGHT)
    assert send_at(sub, Severity.MAJOR, utc(12)) is None
    assert send_at(subscription(), Severity.INFO, utc(3)) is None


def test_in_quiet_hours_it_waits_for_their_end_but_critical_goes_at_once():
    sub = subscription(quiet_hours=BERLIN_NIGHT)
    assert send_at(sub, Severity.MAJOR, utc(3)) == utc(6)
    assert send_at(sub, Severity.CRITICAL, utc(3)) is None


def test_critical_waits_too_when_the_bypass_is_off():
    sub = subscription(quiet_hours={**BERLIN_NIGHT, "critical_bypasses": False})
    assert send_at(sub, Severity.CRITICAL, utc(3)) == utc(6)


def test_a_digest_sends_at_the_end_of_its_period():
    sub = subscription(digest={"every_minutes": 15})
    assert send_at(sub, Severity.MAJOR, utc(12, 0)) == utc(12, 15)
    assert send_at(sub, Severity.MAJOR, utc(12, 14)) == utc(12, 15)
    assert send_at(sub, Severity.CRITICAL, utc(12, 15)) == utc(12, 30)


def test_a_digest_due_in_quiet_hours_waits_for_their_end():
    sub = subscription(digest={"every_minutes": 60}, quiet_hours=BERLIN_NIGHT)
    assert send_at(sub, Severity.MAJOR, utc(20, 30)) == utc(6, 0, day=27)
    assert send_at(sub, Severity.MAJOR, utc(19, 30)) == utc(20, 0)
