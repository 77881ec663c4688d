"""Repeats held in the evaluator: which changes are only repeats, and how held repeats join the
stored alarm."""

from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.alerting.alarm_handling import acknowledge, escalate
from iotsphere.domain.alerting.alarm_lifecycle import (
    clear_alarm,
    only_repeated,
    raise_alarm,
    with_repeats,
)
from tests.unit.alerting.rules import make_rule

AT = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)


def s(seconds: float) -> datetime:
    return AT + timedelta(seconds=seconds)


@pytest.fixture
def rule():
    return make_rule(
        {"type": "threshold", "op": "above", "set": 80},
        escalation=[{"after_s": 300, "severity": "critical", "notify": "oncall"}],
    )


@pytest.fixture
def raised(rule):
    alarm, _ = raise_alarm(None, rule, "d1", s(0), 81, now=s(0))
    return alarm


def test_a_reading_that_keeps_the_alarm_raised_is_only_a_repeat(rule, raised):
    repeated, _ = raise_alarm(raised, rule, "d1", s(5), 90, now=s(5))
    assert only_repeated(raised, repeated)


def test_a_raise_a_clear_an_acknowledgement_or_an_escalation_is_more_than_a_repeat(rule, raised):
    cleared, _ = clear_alarm(raised, rule, s(5), 70)
    again, _ = raise_alarm(cleared, rule, "d1", s(9), 95, now=s(9))
    acked, _ = acknowledge(raised, "ana", s(6))
    escalated, _ = escalate(raised, rule, s(301))
    assert not only_repeated(None, raised)
    assert not only_repeated(raised, cleared)
    assert not only_repeated(cleared, again)
    assert not only_repeated(raised, acked)
    assert not only_repeated(raised, escalated)
    assert not only_repeated(raised, raised)  # nothing changed: nothing to hold


def test_held_repeats_join_the_stored_alarm_of_the_same_episode(rule, raised):
    held, _ = raise_alarm(raised, rule, "d1", s(5), 90, now=s(5))
    held, _ = raise_alarm(held, rule, "d1", s(6), 91, now=s(6))
    acked, _ = acknowledge(raised, "ana", s(5.5))  # another writer, in between
    stored = acked.model_copy(update={"revision": raised.revision + 1})
    joined = with_repeats(stored, held)
    assert (joined.count, joined.last_at, joined.last_value) == (3, s(6), 91)
    assert (joined.acknowledged_by, joined.revision) == ("ana", stored.revision)


def test_held_repeats_of_another_episode_or_older_than_the_stored_ones_are_dropped(rule, raised):
    held, _ = raise_alarm(raised, rule, "d1", s(5), 90, now=s(5))
    cleared, _ = clear_alarm(raised, rule, s(7), 70)
    next_episode, _ = raise_alarm(cleared, rule, "d1", s(8), 99, now=s(8))
    newer, _ = raise_alarm(raised, rule, "d1", s(9), 92, now=s(9))  # a save of its own since
    assert with_repeats(cleared, held) == cleared
    assert with_repeats(next_episode, held) == next_episode
    assert with_repeats(newer, held) == newer


def test_a_stored_count_above_the_held_one_is_kept(rule, raised):
    held, _ = raise_alarm(raised, rule, "d1", s(5), 90, now=s(5))
    other = raised.model_copy(update={"count": 7, "last_at": s(4)})  # another instance's repeats
    joined = with_repeats(other, held)
    assert (joined.count, joined.last_at, joined.last_value) == (7, s(5), 90)
