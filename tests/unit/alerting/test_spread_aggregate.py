"""The ``spread`` aggregate (max - min of the window): a stuck sensor as one rule."""

import pytest

from iotsphere.domain.alerting.detectors import spread
from iotsphere.domain.alerting.errors import RuleValidationError
from iotsphere.domain.alerting.evaluator import accept, new_state
from tests.unit.alerting.rules import T0, make_rule, seconds

STUCK = {
    "type": "aggregate",
    "function": "spread",
    "window_s": 60,
    "min_points": 2,
    "op": "below",
    "set": 0.01,
    "duration_s": 30,
}


def test_spread_of_an_empty_window_is_no_verdict_and_of_one_point_is_zero():
    assert spread([]) is None
    assert spread([7.5]) == 0.0
    assert spread([3.0, -1.0, 2.0]) == 4.0


def test_a_window_holding_only_the_reading_has_spread_zero_when_one_point_is_enough():
    rule = make_rule({**STUCK, "op": "above", "set": 1, "min_points": 1, "duration_s": 0})
    _, verdicts = accept(new_state(rule, "d1"), rule, seconds((0, 20)))
    assert [v.score for v in verdicts] == [0.0]


def test_a_stuck_sensor_raises_after_its_duration_and_clears_when_it_moves():
    rule = make_rule(STUCK)
    stuck = [(s, 21.5) for s in range(0, 100, 5)]
    _, verdicts = accept(new_state(rule, "d1"), rule, seconds(*stuck, (100, 21.7)))
    # one point (0 s) is too few; from 5 s the spread is 0 and holds for 30 s
    assert verdicts[0].score is None
    assert verdicts[1].score == 0.0
    assert [(v.ts_ms - T0, v.active) for v in verdicts if v.changed] == [
        (35_000, True),
        (100_000, False),
    ]
    assert verdicts[-1].score == pytest.approx(0.2)


def test_the_spread_only_sees_its_window():
    rule = make_rule({**STUCK, "op": "above", "set": 5, "duration_s": 0})
    _, verdicts = accept(new_state(rule, "d1"), rule, seconds((0, 0), (30, 10), (61, 11), (90, 12)))
    # at 90 s the window (30 s, 90 s] holds 61 s and 90 s only
    assert [v.score for v in verdicts] == [None, 10.0, 1.0, 1.0]


def test_a_spread_below_a_level_needs_two_points_since_one_point_spreads_zero():
    with pytest.raises(RuleValidationError) as caught:
        make_rule({**STUCK, "min_points": 1})
    assert caught.value.path == "condition.min_points"
    assert "spread" in caught.value.reason
