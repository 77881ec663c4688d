import random

import pytest

from iotsphere.domain.alerting.evaluator import (
    accept,
    check_missing,
    new_state,
    prime,
    release_until,
)
from tests.unit.alerting.rules import T0, make_rule, seconds


def run(rule, points, device="d1"):
    state, verdicts = accept(new_state(rule, device), rule, points)
    return state, verdicts


def changes(verdicts):
    return [(v.ts_ms - T0, v.active) for v in verdicts if v.changed]


ABOVE = {"type": "threshold", "op": "above", "set": 80, "clear": 75}


def test_exactly_at_the_set_level_does_not_raise_and_past_it_does():
    _, verdicts = run(make_rule(ABOVE), seconds((0, 80), (1, 80.001)))
    assert changes(verdicts) == [(1000, True)]


def test_hysteresis_holds_between_clear_and_set_and_clears_exactly_at_clear():
    points = seconds((0, 81), (1, 79), (2, 75.001), (3, 75), (4, 79))
    _, verdicts = run(make_rule(ABOVE), points)
    assert changes(verdicts) == [(0, True), (3000, False)]


def test_below_without_clear_uses_the_set_level_both_ways():
    rule = make_rule({"type": "threshold", "op": "below", "set": 10})
    _, verdicts = run(rule, seconds((0, 10), (1, 9.9), (2, 10)))
    assert changes(verdicts) == [(1000, True), (2000, False)]


def test_duration_raises_exactly_when_it_has_held_that_long():
    rule = make_rule({**ABOVE, "duration_s": 60})
    _, short = run(rule, seconds((0, 90), (59.999, 90)))
    assert changes(short) == []
    _, exact = run(rule, seconds((0, 90), (30, 90), (60, 90)))
    assert changes(exact) == [(60_000, True)]


def test_a_dip_under_the_set_level_restarts_the_duration():
    rule = make_rule({**ABOVE, "duration_s": 60})
    _, verdicts = run(rule, seconds((0, 90), (30, 79), (40, 90), (90, 90), (100, 90)))
    assert changes(verdicts) == [(100_000, True)]


def test_a_gap_does_not_restart_the_duration():
    rule = make_rule({**ABOVE, "duration_s": 60})
    _, verdicts = run(rule, seconds((0, 90), (600, 90)))
    assert changes(verdicts) == [(600_000, True)]


@pytest.mark.parametrize(
    ("op", "values", "expected"),
    [
        ("inside", [9.99, 10, 30, 30.01], [(1000, True), (3000, False)]),
        (
            "outside",
            [10, 9.99, 10, 30.01, 30],
            [(1000, True), (2000, False), (3000, True), (4000, False)],
        ),
    ],
)
def test_band_edges_belong_to_the_band(op, values, expected):
    rule = make_rule({"type": "band", "op": op, "low": 10, "high": 30})
    _, verdicts = run(rule, seconds(*enumerate(values)))
    assert changes(verdicts) == expected


def test_outside_band_clears_only_inside_the_narrower_clear_band():
    rule = make_rule(
        {"type": "band", "op": "outside", "low": 10, "high": 30, "clear_low": 12, "clear_high": 28}
    )
    _, verdicts = run(rule, seconds((0, 31), (1, 29), (2, 28)))
    assert changes(verdicts) == [(0, True), (2000, False)]


def test_aggregate_mean_over_a_window_and_its_minimum_points():
    rule = make_rule(
        {
            "type": "aggregate",
            "function": "mean",
            "window_s": 10,
            "min_points": 3,
            "op": "above",
            "set": 50,
        }
    )
    state, verdicts = run(rule, seconds((0, 100), (1, 100), (2, 100), (20, 10), (21, 100)))
    assert [v.score for v in verdicts] == [None, None, 100, None, None]
    assert changes(verdicts) == [(2000, True)]
    assert state.active


def test_aggregate_window_excludes_the_point_exactly_window_old():
    rule = make_rule(
        {"type": "aggregate", "function": "count", "window_s": 10, "op": "above", "set": 99}
    )
    _, verdicts = run(rule, seconds((0, 1), (9.999, 1), (10, 1)))
    assert [v.score for v in verdicts] == [1, 2, 2]


def test_percentile_interpolates():
    rule = make_rule(
        {
            "type": "aggregate",
            "function": "percentile",
            "percentile": 50,
            "window_s": 60,
            "op": "above",
            "set": 99,
        }
    )
    _, verdicts = run(rule, seconds((0, 1), (1, 2), (2, 3), (3, 10)))
    assert verdicts[-1].score == 2.5


def test_rate_per_minute_needs_two_points_in_the_window():
    rule = make_rule(
        {"type": "rate", "per": "minute", "window_s": 60, "op": "above", "set": 5, "clear": 1}
    )
    _, verdicts = run(rule, seconds((0, 10), (30, 12), (60, 16), (200, 0)))
    # the window is (t - 60 s, t]: at 60 s the reading at 0 s has left it
    assert [v.score for v in verdicts] == [None, 4.0, 8.0, None]
    assert changes(verdicts) == [(60_000, True)]


def test_anomaly_scores_a_spike_against_its_window_and_clears_after():
    rule = make_rule({"type": "anomaly", "window_s": 600, "min_points": 10, "set": 4, "clear": 3})
    normal = [(s, 20 + (s % 3) * 0.5) for s in range(0, 20)]
    _, verdicts = run(rule, seconds(*normal, (20, 40), (21, 20.5)))
    assert all(v.score is None for v in verdicts[:10])
    assert changes(verdicts) == [(20_000, True), (21_000, False)]


def test_anomaly_on_a_constant_window_flags_any_change():
    rule = make_rule({"type": "anomaly", "window_s": 600, "min_points": 3, "set": 4})
    _, verdicts = run(rule, seconds((0, 5), (1, 5), (2, 5), (3, 5), (4, 5.1)))
    assert changes(verdicts) == [(4000, True)]


def test_a_primed_state_has_its_window_from_the_start():
    rule = make_rule(
        {"type": "aggregate", "function": "max", "window_s": 60, "op": "above", "set": 50}
    )
    state = prime(new_state(rule, "d1"), seconds((-30, 60), (-90, 99)))
    _, verdicts = accept(state, rule, seconds((0, 1)))
    assert verdicts[0].score == 60


def test_composite_and_keeps_each_leafs_hysteresis():
    rule = make_rule(
        {
            "type": "composite",
            "op": "and",
            "conditions": [
                {"type": "threshold", "op": "above", "set": 80, "clear": 70},
                {
                    "type": "rate",
                    "per": "second",
                    "window_s": 5,
                    "op": "above",
                    "set": 1,
                    "clear": -100,
                },
            ],
        }
    )
    _, verdicts = run(rule, seconds((0, 50), (1, 85), (2, 75), (3, 69)))
    assert changes(verdicts) == [(1000, True), (3000, False)]
    assert [v.score for v in verdicts] == [0.0, 1.0, 1.0, 0.5]


def test_composite_or():
    rule = make_rule(
        {
            "type": "composite",
            "op": "or",
            "conditions": [
                {"type": "threshold", "op": "above", "set": 80},
                {"type": "threshold", "op": "below", "set": 0},
            ],
        }
    )
    _, verdicts = run(rule, seconds((0, 50), (1, -1), (2, 81), (3, 50)))
    assert changes(verdicts) == [(1000, True), (3000, False)]


def test_missing_data_in_a_stream_raises_at_last_reading_plus_timeout_and_clears():
    rule = make_rule({"type": "missing_data", "timeout_s": 60})
    _, verdicts = run(rule, seconds((0, 1), (59.999, 1), (200, 1)))
    assert changes(verdicts) == [(119_999, True), (200_000, False)]


def test_the_sweep_raises_missing_data_once_at_the_due_moment():
    rule = make_rule({"type": "missing_data", "timeout_s": 60})
    state, _ = run(rule, seconds((0, 1)))
    assert check_missing(state, rule, T0 + 59_999)[1] == []
    state, verdicts = check_missing(state, rule, T0 + 600_000)
    assert changes(verdicts) == [(60_000, True)]
    assert check_missing(state, rule, T0 + 700_000)[1] == []
    state, verdicts = accept(state, rule, seconds((650, 1)))
    assert changes(verdicts) == [(650_000, False)]


def test_readings_wait_for_the_watermark_then_run_in_time_order():
    rule = make_rule(ABOVE, lateness_s=60)
    state, verdicts = run(rule, seconds((10, 90), (0, 70)))
    assert verdicts == []
    state, verdicts = accept(state, rule, seconds((75, 70)))
    assert [(v.ts_ms - T0, v.active) for v in verdicts] == [(0, False), (10_000, True)]
    state, verdicts = release_until(state, rule, T0 + 75_000)
    assert changes(verdicts) == [(75_000, False)]


def test_readings_behind_the_watermark_and_redeliveries_are_counted_not_evaluated():
    rule = make_rule(ABOVE, lateness_s=0)
    state, _ = run(rule, seconds((0, 90), (10, 70)))
    state, verdicts = accept(state, rule, seconds((5, 99), (10, 70)))
    assert verdicts == []
    assert state.late_dropped == 2
    assert not state.active


SHUFFLE_CONDITIONS = [
    {**ABOVE, "duration_s": 20},
    {"type": "band", "op": "outside", "low": 65, "high": 85, "clear_low": 67, "clear_high": 83},
    {
        "type": "aggregate",
        "function": "mean",
        "window_s": 30,
        "op": "above",
        "set": 80,
        "clear": 76,
    },
    {
        "type": "aggregate",
        "function": "percentile",
        "percentile": 90,
        "window_s": 20,
        "op": "above",
        "set": 88,
    },
    {"type": "rate", "per": "second", "window_s": 10, "op": "above", "set": 1, "clear": 0},
    {"type": "anomaly", "window_s": 120, "min_points": 20, "set": 2.5, "clear": 1.5},
    {
        "type": "composite",
        "op": "or",
        "conditions": [
            {"type": "threshold", "op": "above", "set": 92},
            {"type": "rate", "per": "second", "window_s": 5, "op": "below", "set": -2},
        ],
    },
]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("condition", SHUFFLE_CONDITIONS, ids=lambda c: c["type"])
def test_a_stream_shuffled_by_30_seconds_raises_the_same_alarms_as_in_order(seed, condition):
    rule = make_rule(condition, lateness_s=60)
    rng = random.Random(seed)
    ordered = seconds(*[(s, 70 + 20 * ((s // 50) % 2) + rng.uniform(-6, 6)) for s in range(600)])
    shuffled = sorted(ordered, key=lambda p: p[0] + rng.uniform(-30_000, 30_000))
    end = T0 + 10_000_000

    def alarms(points, batch):
        state, found = new_state(rule, "d1"), []
        for start in range(0, len(points), batch):
            state, verdicts = accept(state, rule, points[start : start + batch])
            found += verdicts
        state, verdicts = release_until(state, rule, end)
        assert state.late_dropped == 0
        return changes(found + verdicts)

    expected = alarms(ordered, 1)
    assert len(expected) >= 2
    assert alarms(shuffled, 7) == expected


def test_state_survives_a_json_round_trip():
    rule = make_rule({"type": "anomaly", "window_s": 60, "min_points": 3}, lateness_s=30)
    state, _ = run(rule, seconds((0, 1), (1, 2), (2, 3), (40, 4)))
    again = type(state).model_validate_json(state.model_dump_json())
    assert again == state
    assert accept(again, rule, seconds((80, 50))) == accept(state, rule, seconds((80, 50)))


def test_a_reading_stamped_ahead_of_the_platform_clock_does_not_blind_the_rule():
    rule = make_rule(ABOVE, lateness_s=60)
    now = T0 + 100_000
    state, _ = accept(new_state(rule, "d1"), rule, seconds((600, 99)), now_ms=now)
    assert state.watermark_ms == now - 60_000
    state, verdicts = accept(state, rule, seconds((50, 90)), now_ms=now)
    assert (state.late_dropped, verdicts) == (0, [])
    _, later = accept(state, rule, [], now_ms=T0 + 700_000)
    assert [(v.ts_ms - T0, v.changed) for v in later] == [(50_000, True)]


def test_a_state_s_first_reading_changes_its_decision():
    """A missing-data rule counts a device that was never heard from its rule's save, and one
    heard from its newest reading: the first reading decides, so it is written at once."""
    rule = make_rule({"type": "missing_data", "timeout_s": 300}, id="hb")
    unheard = new_state(rule, "pump-1")
    heard, _ = accept(unheard, rule, [(T0, 20.0)])
    again, _ = accept(heard, rule, [(T0 + 1000, 21.0)])
    assert heard.decision != unheard.decision
    assert again.decision == heard.decision
