"""When the sweep next has something to do with an evaluator state (``sweep_due_ms``): exactly at
the moment a waiting reading of a quiet device is released or a missing-data alarm rises, never
between two readings of a device that keeps sending."""

from iotsphere.domain.alerting.evaluator import (
    accept,
    adopt,
    check_missing,
    new_state,
    release_until,
)
from iotsphere.domain.alerting.evaluator_state import EvaluatorState
from iotsphere.domain.alerting.sweep_due import sweep_due_ms
from tests.unit.alerting.rules import T0, make_rule

ABOVE_80 = {"type": "threshold", "op": "above", "set": 80}
HEARTBEAT = {"type": "missing_data", "timeout_s": 300}
LATE = 60_000


def test_a_waiting_reading_of_a_quiet_device_is_due_exactly_its_lateness_after_its_time():
    rule = make_rule(ABOVE_80, lateness_s=60)
    state, _ = accept(new_state(rule, "d1"), rule, [(T0, 90.0)], now_ms=T0 + 1000)
    assert state.due_ms == sweep_due_ms(state, rule) == T0 + LATE
    before, verdicts = release_until(state, rule, T0 + LATE - 1 - LATE)
    assert (before.pending, verdicts) == ([(T0, 90.0)], [])
    after, verdicts = release_until(state, rule, T0 + LATE - LATE)
    assert (after.pending, [v.ts_ms for v in verdicts]) == ([], [T0])


def test_readings_waiting_together_are_due_when_the_newest_is_its_lateness_old():
    """The sweep releases a device's readings once it would release all of them: until then the
    device's own next reading may still move its watermark."""
    rule = make_rule(ABOVE_80, lateness_s=60)
    state, _ = accept(
        new_state(rule, "d1"), rule, [(T0, 90.0), (T0 + 30_000, 91.0)], now_ms=T0 + 31_000
    )
    assert state.due_ms == T0 + 30_000 + LATE
    released, _ = release_until(state, rule, state.due_ms - LATE)
    assert released.pending == []
    assert released.due_ms is None


def test_a_device_sending_every_ten_seconds_is_never_due_between_its_readings():
    rule = make_rule(ABOVE_80, lateness_s=60)
    state = new_state(rule, "d1")
    for n in range(30):
        ts = T0 + n * 10_000
        state, _ = accept(state, rule, [(ts, 20.0)], now_ms=ts + 800)
        next_arrival = ts + 10_000 + 800
        assert state.pending
        assert state.due_ms is not None
        assert state.due_ms > next_arrival


def test_an_honest_reading_is_not_held_back_by_one_stamped_ahead_of_the_platform_clock():
    rule = make_rule(ABOVE_80, lateness_s=60)
    ahead = T0 + 3_600_000
    state, _ = accept(new_state(rule, "d1"), rule, [(T0, 90.0), (ahead, 20.0)], now_ms=T0 + 1000)
    assert state.due_ms == T0 + 1000 + LATE  # the device was last heard at T0 + 1 s
    swept, verdicts = release_until(state, rule, state.due_ms - LATE)
    assert [v.ts_ms for v in verdicts] == [T0]
    assert swept.due_ms == ahead + LATE  # what is left waits for the platform clock


def test_a_missing_data_state_is_due_exactly_its_timeout_after_its_last_reading():
    rule = make_rule(HEARTBEAT, lateness_s=60)
    state, _ = accept(new_state(rule, "d1"), rule, [(T0, 20.0)], now_ms=T0 + 1000)
    assert state.pending == []
    assert state.due_ms == T0 + 300_000
    assert check_missing(state, rule, T0 + 300_000 - 1)[1] == []
    raised, verdicts = check_missing(state, rule, T0 + 300_000)
    assert [v.ts_ms for v in verdicts] == [T0 + 300_000]
    assert raised.due_ms is None  # raised already: only a reading changes it now


def test_a_reading_after_a_raised_missing_data_alarm_schedules_the_next_timeout():
    rule = make_rule(HEARTBEAT)
    state, _ = accept(new_state(rule, "d1"), rule, [(T0, 20.0)], now_ms=T0)
    raised, _ = check_missing(state, rule, T0 + 400_000)
    back, _ = accept(raised, rule, [(T0 + 450_000, 20.0)], now_ms=T0 + 450_000)
    assert not back.active
    assert back.due_ms == T0 + 450_000 + 300_000


def test_a_state_that_never_saw_a_reading_or_waits_for_nothing_is_never_due():
    heartbeat, threshold = make_rule(HEARTBEAT), make_rule(ABOVE_80, lateness_s=0)
    assert new_state(heartbeat, "d1").due_ms is None
    assert sweep_due_ms(new_state(heartbeat, "d1"), heartbeat) is None
    evaluated, _ = accept(new_state(threshold, "d1"), threshold, [(T0, 90.0)], now_ms=T0)
    assert evaluated.pending == []
    assert evaluated.due_ms is None


def test_a_state_saved_before_due_times_existed_is_due_at_once_and_rescheduled_by_the_sweep():
    rule = make_rule(ABOVE_80, lateness_s=0)
    evaluated, _ = accept(new_state(rule, "d1"), rule, [(T0, 90.0)], now_ms=T0)
    old = evaluated.model_dump(exclude={"due_ms", "received_ms"})
    legacy = EvaluatorState.model_validate(old)
    assert legacy.due_ms == 0
    checked, verdicts = check_missing(legacy, rule, T0 + 60_000)
    assert verdicts == []
    assert checked.due_ms is None


def test_an_edited_rule_reschedules_the_state_it_adopts():
    threshold = make_rule(ABOVE_80, lateness_s=0)
    state, _ = accept(new_state(threshold, "d1"), threshold, [(T0, 20.0)], now_ms=T0)
    assert state.due_ms is None
    heartbeat = make_rule(HEARTBEAT)
    assert adopt(state, heartbeat).due_ms == T0 + 300_000
