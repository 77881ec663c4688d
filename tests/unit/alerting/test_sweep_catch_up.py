"""The sweep catches a stored state up with the readings stored after it before judging it: a
state whose write was deferred (or lost with its worker) never raises a missing-data alarm for a
device that did report, nor leaves the readings after it unevaluated."""

from datetime import timedelta

from iotsphere.domain.alerting.evaluator import accept, adopt, new_state
from iotsphere.domain.alerting.transitions import from_ms
from iotsphere.services.alerting.sweep_catch_up import caught_up
from tests.unit.alerting.fakes import FakeHistory
from tests.unit.alerting.rules import T0, make_rule, seconds

HEARTBEAT = make_rule({"type": "missing_data", "timeout_s": 300}, id="hb")
HOT = make_rule({"type": "threshold", "op": "above", "set": 80}, id="hot", lateness_s=60)


def stored(rule, *pairs):
    state, _ = accept(new_state(rule, "pump-1"), rule, seconds(*pairs))
    return adopt(state, rule)


def test_a_state_behind_its_device_takes_the_readings_stored_after_its_newest():
    history = FakeHistory()
    history.series[("pump-1", "temperature")] = seconds((0, 20), (10, 20), (20, 21))
    behind = stored(HEARTBEAT, (0, 20))
    ((state, verdicts),) = caught_up([(behind, HEARTBEAT)], history, T0 + 310_000)
    assert state.max_seen_ms == T0 + 20_000
    assert state.due_ms == T0 + 320_000  # the heartbeat counts from the newest reading
    assert not any(v.active or v.changed for v in verdicts)
    (read,) = history.asked
    assert read[2] == from_ms(T0 + 1)  # only what the state did not see


def test_readings_stored_after_the_state_wait_for_the_watermark_as_the_evaluator_s_do():
    history = FakeHistory()
    history.series[("pump-1", "temperature")] = seconds((0, 20), (5, 95))
    ((state, verdicts),) = caught_up([(stored(HOT, (0, 20)), HOT)], history, T0 + 120_000)
    assert verdicts == []  # the sweep's release_until evaluates them next
    assert state.pending == [(T0, 20.0), (T0 + 5000, 95.0)]


def test_a_state_with_nothing_newer_stored_is_returned_as_it_was():
    history = FakeHistory()
    history.series[("pump-1", "temperature")] = seconds((0, 20))
    before = stored(HEARTBEAT, (0, 20))
    assert caught_up([(before, HEARTBEAT)], history, T0 + 400_000) == [(before, [])]


def test_many_states_cost_one_history_read_per_metric():
    history = FakeHistory()
    states = [
        (stored(HEARTBEAT, (0, 20)).model_copy(update={"device_id": d}), HEARTBEAT)
        for d in ("pump-1", "pump-2", "pump-3")
    ]
    caught_up(states, history, T0 + timedelta(minutes=6).seconds * 1000)
    assert history.reads == [("temperature", ["pump-1", "pump-2", "pump-3"])]
