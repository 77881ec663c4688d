"""Deferred writes of device documents that have something due for the sweep: such a document
waits like any other while its stored due time is further ahead than the longest deferral (the
sweep will not read it before the next write), and is written at once when the sweep would need
it sooner. Missing-data rules and the default ``lateness_s`` give nearly every streaming device a
due time, so this is the common case, not the exception."""

import pytest

from iotsphere.adapters.mongo_alerting_state import STATES, MongoEvaluatorStateStore
from iotsphere.domain.alerting.evaluator import accept, new_state
from tests.integration.test_mongo_alerting_stores import T0, database, org, rule

pytestmark = pytest.mark.integration
__all__ = ["database"]

CHECKPOINT_S = 5


class Clocks:
    """The store's monotonic clock (``at``) and the wall clock in ms (``wall_ms``)."""

    def __init__(self, wall_ms: int) -> None:
        self.at = 1000.0
        self.wall_ms = wall_ms

    def monotonic(self) -> float:
        return self.at

    def wall(self) -> float:
        return self.wall_ms / 1000

    def tick(self, seconds: float) -> None:
        self.at += seconds
        self.wall_ms += int(seconds * 1000)


def deferring(database, clocks: Clocks) -> MongoEvaluatorStateStore:
    """A store deferring for ``CHECKPOINT_S`` on these clocks."""
    return MongoEvaluatorStateStore(
        database[STATES], checkpoint_s=CHECKPOINT_S, clock=clocks.monotonic, wall=clocks.wall
    )


def stored_after_second_save(database, condition_rule, wall_ms, second=(1, 20.0)):
    """A state saved new at ``wall_ms``, then one second later with another reading, by a store
    deferring for ``CHECKPOINT_S``; what another store reads back."""
    clocks = Clocks(wall_ms)
    ours = deferring(database, clocks)
    state, _ = accept(new_state(condition_rule, "d1"), condition_rule, [(T0, 20.0)], now_ms=T0)
    ours.save([state])
    clocks.tick(1)
    kept = ours.load([state.key]).states[state.key]
    at, value = second
    later, _ = accept(kept, condition_rule, [(T0 + at * 1000, value)], now_ms=clocks.wall_ms)
    ours.save([later])
    return MongoEvaluatorStateStore(database[STATES]).load([state.key]).states[state.key]


def heartbeat(timeout_s=300):
    return rule(
        org(),
        "hb",
        lateness_s=0,
        condition={"type": "missing_data", "timeout_s": timeout_s},
    )


def test_a_heartbeat_due_minutes_ahead_waits(database):
    stored = stored_after_second_save(database, heartbeat(300), wall_ms=T0)
    assert stored.max_seen_ms == T0  # the second reading waits in the worker
    assert stored.due_ms == T0 + 300_000


def test_a_heartbeat_due_within_the_longest_deferral_is_written_at_once(database):
    stored = stored_after_second_save(database, heartbeat(10), wall_ms=T0 + 6000)
    assert stored.max_seen_ms == T0 + 1000  # the stored due time was 3 s ahead of the save
    assert stored.due_ms == T0 + 11_000


def test_readings_waiting_for_a_distant_watermark_wait_too(database):
    late = rule(org(), "late", lateness_s=60)
    stored = stored_after_second_save(database, late, wall_ms=T0)
    assert stored.max_seen_ms == T0


def test_a_due_time_earlier_than_the_stored_one_is_written_at_once(database):
    """A reading stamped back in time makes the heartbeat due sooner than the stored copy says:
    the sweep must learn it now."""
    hb = heartbeat(300)
    clocks = Clocks(T0)
    ours = deferring(database, clocks)
    state, _ = accept(new_state(hb, "d1"), hb, [(T0 + 60_000, 20.0)], now_ms=T0 + 60_000)
    ours.save([state])
    clocks.tick(1)
    kept = ours.load([state.key]).states[state.key]
    earlier = kept.model_copy(update={"due_ms": T0 + 100_000})
    ours.save([earlier])
    stored = MongoEvaluatorStateStore(database[STATES]).load([state.key]).states[state.key]
    assert stored.due_ms == T0 + 100_000


def test_a_due_time_where_none_was_stored_is_written_at_once(database):
    quiet = rule(org(), "quiet", lateness_s=0)
    clocks = Clocks(T0)
    ours = deferring(database, clocks)
    state, _ = accept(new_state(quiet, "d1"), quiet, [(T0, 20.0)], now_ms=T0)
    ours.save([state])
    clocks.tick(1)
    kept = ours.load([state.key]).states[state.key]
    ours.save([kept.model_copy(update={"due_ms": T0 + 200_000})])
    again = MongoEvaluatorStateStore(database[STATES]).load([state.key]).states[state.key]
    assert again.due_ms == T0 + 200_000
