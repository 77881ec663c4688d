"""The second anomaly method: a robust z-score of first differences (the change from the previous
reading against the window's changes), which catches jitter and jumps inside the normal range."""

import math

import pytest

from iotsphere.domain.alerting.detectors import robust_z_of_change
from iotsphere.domain.alerting.evaluator import accept, new_state
from tests.unit.alerting.rules import T0, make_rule, seconds

WINDOW = {"type": "anomaly", "window_s": 600, "min_points": 10, "set": 5, "clear": 3}


def wave(start, count):
    """A smooth wave between 10 and 30: wide levels, small steady changes."""
    return [(s, 20 + 10 * math.sin(s / 20)) for s in range(start, start + count)]


def test_the_change_is_scored_against_the_windows_changes():
    # changes in the window: +1, +1, +1, -1, +1 (median 1, MAD 0, mean deviation 0.4)
    window = [0.0, 1.0, 2.0, 3.0, 2.0, 3.0]
    assert robust_z_of_change(4.0, window) == pytest.approx(0.0)  # a change of +1
    assert robust_z_of_change(10.0, window) == pytest.approx(6 / (1.2533 * 0.4))  # +7
    assert robust_z_of_change(-4.0, window) == pytest.approx(-8 / (1.2533 * 0.4))  # -7


def test_the_default_method_is_the_level_and_it_stays_so_for_saved_rules():
    assert make_rule(WINDOW).condition.method == "robust_z"


def test_a_jump_inside_the_normal_range_is_caught_by_changes_not_by_levels():
    normal = wave(0, 200)
    last = normal[-1][1]
    # a jump of 6 that stays well inside the 10-30 range, then the wave goes on from there
    jump = [(200, last + 6), (201, last + 6.1)]
    level = make_rule(WINDOW)
    change = make_rule({**WINDOW, "method": "robust_z_diff"})
    _, by_level = accept(new_state(level, "d1"), level, seconds(*normal, *jump))
    _, by_change = accept(new_state(change, "d1"), change, seconds(*normal, *jump))
    assert not any(v.changed for v in by_level)
    assert [(v.ts_ms - T0, v.active) for v in by_change if v.changed] == [
        (200_000, True),
        (201_000, False),
    ]


def test_changes_need_min_points_before_the_reading():
    rule = make_rule({**WINDOW, "method": "robust_z_diff", "min_points": 3})
    _, verdicts = accept(new_state(rule, "d1"), rule, seconds((0, 1), (1, 2), (2, 3), (3, 4)))
    assert [v.score for v in verdicts][:3] == [None, None, None]
    assert verdicts[3].score == 0.0


def test_an_unknown_method_is_refused_with_its_path():
    from iotsphere.domain.alerting.errors import RuleValidationError

    with pytest.raises(RuleValidationError) as caught:
        make_rule({**WINDOW, "method": "isolation_forest"})
    assert caught.value.path.startswith("condition.anomaly.method")
