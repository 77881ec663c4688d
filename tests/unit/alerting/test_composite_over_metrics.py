"""Composites whose leaves watch different metrics of one device: "temperature above 80 AND
vibration above 5". Each leaf names its metric (the rule's metric when it names none)."""

import random
from datetime import timedelta

import pytest

from iotsphere.domain.alerting.errors import RuleValidationError
from iotsphere.domain.alerting.evaluator import accept, new_state, prime, release_until
from iotsphere.domain.alerting.evaluator_state import EvaluatorState
from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import from_ms
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.backtest import BacktestPorts, backtest
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.rule_admin import save_rule
from tests.unit.alerting.fakes import FakeDevices, FakeHistory, FakeRules, Fakes
from tests.unit.alerting.rules import T0, make_rule, seconds
from tests.unit.alerting.test_rule_admin_and_alarm_actions import BODY, types  # noqa: F401

HOT_AND_SHAKING = {
    "type": "composite",
    "op": "and",
    "conditions": [
        {"type": "threshold", "op": "above", "set": 80, "clear": 75},
        {"type": "threshold", "metric": "vibration", "op": "above", "set": 5, "clear": 4},
    ],
}


def changes(verdicts):
    return [(v.ts_ms - T0, v.active) for v in verdicts if v.changed]


def run(rule, temperature=(), vibration=(), state=None):
    state = state or new_state(rule, "d1")
    return accept(state, rule, seconds(*temperature), others={"vibration": seconds(*vibration)})


# the rule and its checks


def test_a_leaf_names_its_metric_and_defaults_to_the_rules():
    rule = make_rule(HOT_AND_SHAKING)
    assert rule.metrics == ["temperature", "vibration"]
    assert make_rule({"type": "threshold", "op": "above", "set": 1}).metrics == ["temperature"]


def test_a_condition_alone_watches_the_rules_metric():
    with pytest.raises(RuleValidationError) as caught:
        make_rule({"type": "threshold", "metric": "vibration", "op": "above", "set": 5})
    assert caught.value.path == "condition.metric"


def test_a_leafs_metric_must_be_a_metric_name():
    bad = {
        **HOT_AND_SHAKING,
        "conditions": [
            HOT_AND_SHAKING["conditions"][0],
            {"type": "threshold", "metric": "$where", "op": "above", "set": 5},
        ],
    }
    with pytest.raises(RuleValidationError) as caught:
        make_rule(bad)
    assert caught.value.path.startswith("condition.composite.conditions.1")


def test_each_leafs_metric_must_be_one_the_device_type_declares(types):  # noqa: F811
    body = {**BODY, "condition": HOT_AND_SHAKING}
    with pytest.raises(RuleValidationError) as caught:
        save_rule("orga", "r1", body, FakeRules(), types, Fakes().ports(), from_ms(T0))
    assert caught.value.path == "condition.conditions.1.metric"
    assert "vibration" in caught.value.reason
    assert "rpm" in caught.value.reason
    nested = {
        "type": "composite",
        "op": "or",
        "conditions": [
            {"type": "threshold", "op": "above", "set": 90},
            {
                **HOT_AND_SHAKING,
                "conditions": [
                    HOT_AND_SHAKING["conditions"][0],
                    {"type": "threshold", "metric": "rpm", "op": "above", "set": 3000},
                ],
            },
        ],
    }
    saved = save_rule(
        "orga",
        "r1",
        {**BODY, "condition": nested},
        FakeRules(),
        types,
        Fakes().ports(),
        from_ms(T0),
    )
    assert saved.metrics == ["temperature", "rpm"]


# evaluation


def test_both_metrics_must_hold_and_either_clearing_clears():
    rule = make_rule(HOT_AND_SHAKING)
    _, verdicts = run(
        rule,
        temperature=[(0, 85), (10, 85), (20, 85), (30, 70)],
        vibration=[(5, 3), (15, 6), (25, 6)],
    )
    # 15 s: vibration above 5 while temperature holds above 80; 30 s: temperature clears
    assert changes(verdicts) == [(15_000, True), (30_000, False)]


def test_a_reading_with_only_some_metrics_updates_only_their_leaves():
    rule = make_rule(HOT_AND_SHAKING)
    _, verdicts = run(rule, temperature=[(0, 85)], vibration=[(1, 6), (2, 3.9), (3, 6)])
    # temperature said 85 once; it stays above 80 until a temperature reading says otherwise
    assert changes(verdicts) == [(1000, True), (2000, False), (3000, True)]
    # a vibration-only reading carries no value of the rule's metric
    assert [v.value for v in verdicts] == [85, None, None, None]


def test_a_leaf_with_no_data_yet_is_not_true():
    rule = make_rule(HOT_AND_SHAKING)
    _, verdicts = run(rule, temperature=[(0, 85), (1, 90)])
    assert changes(verdicts) == []
    either = make_rule({**HOT_AND_SHAKING, "op": "or"})
    _, verdicts = run(either, vibration=[(0, 9)])
    assert changes(verdicts) == [(0, True)]


def test_readings_of_both_metrics_wait_for_the_watermark_and_run_in_device_time():
    rule = make_rule(HOT_AND_SHAKING, lateness_s=10)
    # vibration's rise arrives before temperature's, stamped after it
    state, first = run(rule, vibration=[(5, 6)])
    assert first == []
    assert len(state.pending) == 1
    state, second = run(rule, temperature=[(3, 85), (20, 85)], state=state)
    assert changes(second) == [(5000, True)]
    assert [v.ts_ms - T0 for v in second] == [3000, 5000]
    late, _ = run(rule, vibration=[(4, 1)], state=state)
    assert late.late_dropped == 1
    swept, rest = release_until(state, rule, T0 + 20_000)
    assert [v.ts_ms - T0 for v in rest] == [20_000]
    assert swept.pending == []


def test_windows_are_kept_per_metric_and_the_state_survives_json():
    rule = make_rule(
        {
            "type": "composite",
            "op": "and",
            "conditions": [
                {"type": "threshold", "op": "above", "set": 80},
                {
                    "type": "aggregate",
                    "metric": "vibration",
                    "function": "mean",
                    "window_s": 10,
                    "op": "above",
                    "set": 5,
                },
            ],
        }
    )
    primed = prime(new_state(rule, "d1"), [], others={"vibration": seconds((-5, 10))})
    state, verdicts = run(rule, temperature=[(0, 85)], vibration=[(1, 2)], state=primed)
    # mean of vibration at 1 s: (10 + 2) / 2 = 6 > 5, and temperature holds
    assert changes(verdicts) == [(1000, True)]
    assert state.history == []  # a plain threshold keeps no temperature window
    restored = EvaluatorState.model_validate_json(state.model_dump_json())
    assert restored == state
    _, later = run(rule, vibration=[(20, 2)], state=restored)
    assert changes(later) == [(20_000, False)]


def test_a_state_saved_before_leaves_named_metrics_still_loads():
    rule = make_rule({"type": "threshold", "op": "above", "set": 80})
    old = {
        "org_id": "org-a",
        "rule_id": "r1",
        "device_id": "d1",
        "metric": "temperature",
        "pending": [[T0, 81.0]],
        "history": [],
        "latches": [{}],
    }
    state = EvaluatorState.model_validate(old)
    _, verdicts = release_until(state, rule, T0)
    assert changes(verdicts) == [(0, True)]


# the service, backtest and scoring


def test_one_alerts_message_with_both_metrics_raises_one_alarm_on_the_rules_metric():
    fakes = Fakes(devices=FakeDevices(DeviceProfile(device_id="pump-1", org_id="org-a")))
    fakes.rules.rules["r1"] = make_rule(HOT_AND_SHAKING)
    readings = [
        ForwardedReading(device_id="pump-1", ts_ms=T0, metrics={"temperature": 85}),
        ForwardedReading(device_id="pump-1", ts_ms=T0 + 1000, metrics={"vibration": 7}),
        ForwardedReading(
            device_id="pump-1", ts_ms=T0 + 2000, metrics={"temperature": 86, "vibration": 8}
        ),
    ]
    now = from_ms(T0) + timedelta(minutes=5)
    result = evaluate_readings(
        ReadingsBatch(envelope_id="e1", readings=readings), fakes.ports(), now
    )
    assert [(t.kind.value, t.metric, t.at) for t in result.transitions] == [
        ("raised", "temperature", from_ms(T0 + 1000))
    ]
    (alarm,) = fakes.alarms.saved.values()
    assert (alarm.count, alarm.last_value) == (2, 86)
    vibration_only = ReadingsBatch(
        envelope_id="e2",
        readings=[ForwardedReading(device_id="pump-1", ts_ms=T0 + 3000, metrics={"vibration": 1})],
    )
    cleared = evaluate_readings(vibration_only, fakes.ports(), now)
    assert [t.kind.value for t in cleared.transitions] == ["cleared"]


def test_a_fresh_state_reads_the_window_of_each_metric_that_has_one():
    fakes = Fakes(devices=FakeDevices(DeviceProfile(device_id="pump-1", org_id="org-a")))
    rule = make_rule(
        {
            "type": "composite",
            "op": "and",
            "conditions": [
                {"type": "threshold", "op": "above", "set": 80},
                {"type": "rate", "metric": "vibration", "window_s": 60, "op": "above", "set": 1},
            ],
        }
    )
    fakes.rules.rules["r1"] = rule
    fakes.history.series[("pump-1", "vibration")] = [(T0 - 30_000, 0.0)]
    readings = [
        ForwardedReading(device_id="pump-1", ts_ms=T0, metrics={"temperature": 85, "vibration": 3})
    ]
    now = from_ms(T0) + timedelta(minutes=5)
    result = evaluate_readings(
        ReadingsBatch(envelope_id="e1", readings=readings), fakes.ports(), now
    )
    assert [t.kind.value for t in result.transitions] == ["raised"]  # 3 per 30 s: 6 per minute
    assert fakes.history.asked == [("pump-1", "vibration", from_ms(T0 - 60_000), from_ms(T0))]


def test_backtest_replays_every_metric_of_the_rule():
    history = FakeHistory()
    history.series[("pump-1", "temperature")] = seconds((0, 85), (30, 85))
    history.series[("pump-1", "vibration")] = seconds((10, 9), (20, 1))
    ports = BacktestPorts(
        history=history,
        devices=FakeDevices(DeviceProfile(device_id="pump-1", org_id="org-a")),
    )
    found = backtest(make_rule(HOT_AND_SHAKING), from_ms(T0), from_ms(T0 + 60_000), ports)
    assert [(a.raised_at, a.cleared_at, a.value) for a in found] == [
        (from_ms(T0 + 10_000), from_ms(T0 + 20_000), None)
    ]


@pytest.mark.parametrize("seed", range(3))
def test_two_metrics_shuffled_by_30_seconds_raise_the_same_alarms_as_in_order(seed):
    rule = make_rule(
        {
            "type": "composite",
            "op": "and",
            "conditions": [
                {"type": "threshold", "op": "above", "set": 80, "clear": 75},
                {
                    "type": "aggregate",
                    "metric": "vibration",
                    "function": "mean",
                    "window_s": 20,
                    "op": "above",
                    "set": 5,
                    "clear": 4,
                },
            ],
        },
        lateness_s=60,
    )
    rng = random.Random(seed)
    # temperature every 2 s, vibration every 3 s: they share some timestamps, not others
    temperature = seconds(
        *[(s, 70 + 20 * ((s // 60) % 2) + rng.uniform(-4, 4)) for s in range(0, 600, 2)]
    )
    vibration = seconds(
        *[(s, 4.5 + 2 * ((s // 90) % 2) + rng.uniform(-1, 1)) for s in range(0, 600, 3)]
    )
    tagged = [("t", p) for p in temperature] + [("v", p) for p in vibration]
    ordered = sorted(tagged, key=lambda item: item[1][0])
    shuffled = sorted(tagged, key=lambda item: item[1][0] + rng.uniform(-30_000, 30_000))

    def alarms(items, batch):
        state, found = new_state(rule, "d1"), []
        for start in range(0, len(items), batch):
            part = items[start : start + batch]
            state, verdicts = accept(
                state,
                rule,
                [p for tag, p in part if tag == "t"],
                others={"vibration": [p for tag, p in part if tag == "v"]},
            )
            found += verdicts
        state, verdicts = release_until(state, rule, T0 + 10_000_000)
        assert state.late_dropped == 0
        return changes(found + verdicts)

    expected = alarms(ordered, 1)
    assert len(expected) >= 2
    assert alarms(shuffled, 5) == expected
