import pytest

from iotsphere.domain.alerting.conditions import CompositeCondition, ThresholdCondition, leaves
from iotsphere.domain.alerting.errors import RuleValidationError
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.domain.alerting.rules import Severity

TYPES = {"pump": ["temperature", "vibration"]}


def rule(condition, **extra):
    return {
        "id": "r1",
        "org_id": "org-a",
        "name": "hot pump",
        "scope": {"kind": "device_type", "value": "pump"},
        "metric": "temperature",
        "severity": "major",
        "condition": condition,
        **extra,
    }


def reason(data, types=TYPES):
    with pytest.raises(RuleValidationError) as caught:
        parse_rule(data, types)
    return caught.value.path, caught.value.reason


def test_a_threshold_with_hysteresis_and_duration_parses():
    parsed = parse_rule(
        rule({"type": "threshold", "op": "above", "set": 80, "clear": 75, "duration_s": 300}),
        TYPES,
    )
    assert isinstance(parsed.condition, ThresholdCondition)
    assert parsed.condition.clear_level == 75
    assert parsed.severity is Severity.MAJOR


def test_a_composite_lists_its_leaves_in_order():
    parsed = parse_rule(
        rule(
            {
                "type": "composite",
                "op": "and",
                "conditions": [
                    {"type": "threshold", "op": "above", "set": 80},
                    {"type": "rate", "op": "above", "set": 2, "window_s": 60},
                ],
            }
        ),
        TYPES,
    )
    assert isinstance(parsed.condition, CompositeCondition)
    assert [leaf.type for leaf in leaves(parsed.condition)] == ["threshold", "rate"]


@pytest.mark.parametrize(
    ("condition", "path", "words"),
    [
        ({"type": "threshold", "op": "above", "set": 80, "clear": 81}, "condition.clear", "above"),
        ({"type": "threshold", "op": "below", "set": 5, "clear": 4}, "condition.clear", "below"),
        ({"type": "band", "op": "inside", "low": 30, "high": 10}, "condition.high", "impossible"),
        ({"type": "band", "op": "inside", "low": 5, "high": 5}, "condition.high", "impossible"),
        (
            {"type": "band", "op": "outside", "low": 10, "high": 30, "clear_low": 8},
            "condition.clear_low",
            "at or above",
        ),
        (
            {"type": "band", "op": "inside", "low": 10, "high": 30, "clear_high": 29},
            "condition.clear_high",
            "at or above",
        ),
        (
            {
                "type": "aggregate",
                "function": "percentile",
                "window_s": 60,
                "op": "above",
                "set": 1,
            },
            "condition.percentile",
            "required",
        ),
        ({"type": "anomaly", "set": 3, "clear": 4}, "condition.clear", "at most"),
        (
            {
                "type": "composite",
                "op": "or",
                "conditions": [
                    {"type": "threshold", "op": "above", "set": 80},
                    {"type": "missing_data", "timeout_s": 60},
                ],
            },
            "condition.conditions.1",
            "sweep",
        ),
    ],
)
def test_an_impossible_condition_is_refused_with_its_path(condition, path, words):
    found_path, found_reason = reason(rule(condition))
    assert found_path == path
    assert words in found_reason


LEAVES_WITH_A_WINDOW = [
    {"type": "aggregate", "function": "mean", "window_s": 60, "op": "above", "set": 1},
    {"type": "rate", "window_s": 60, "op": "above", "set": 1},
    {"type": "anomaly", "window_s": 60},
]
LEAVES_WITH_A_DURATION = [
    {"type": "threshold", "op": "above", "set": 1},
    {"type": "band", "op": "inside", "low": 1, "high": 2},
    *LEAVES_WITH_A_WINDOW,
]


@pytest.mark.parametrize("leaf", LEAVES_WITH_A_WINDOW, ids=lambda leaf: leaf["type"])
def test_a_window_is_one_second_to_an_hour(leaf):
    """The schema's limit (published in the OpenAPI document): the path names the condition
    type like every other schema problem, and the message the limit."""
    for window_s in (1, 3600):
        parse_rule(rule({**leaf, "window_s": window_s}), TYPES)
    for window_s, words in ((3601, "less than or equal to 3600"), (0, "greater than 0")):
        path, why = reason(rule({**leaf, "window_s": window_s}))
        assert path == f"condition.{leaf['type']}.window_s"
        assert words in why


@pytest.mark.parametrize("leaf", LEAVES_WITH_A_DURATION, ids=lambda leaf: leaf["type"])
def test_a_duration_is_at_most_a_day(leaf):
    parse_rule(rule({**leaf, "duration_s": 86_400}), TYPES)
    path, why = reason(rule({**leaf, "duration_s": 86_401}))
    assert path == f"condition.{leaf['type']}.duration_s"
    assert "less than or equal to 86400" in why


def test_a_heartbeat_is_ten_seconds_to_a_week():
    for timeout_s in (10, 604_800):
        parse_rule(rule({"type": "missing_data", "timeout_s": timeout_s}), TYPES)
    for timeout_s, words in ((9, "greater than or equal to 10"), (604_801, "less than or equal")):
        path, why = reason(rule({"type": "missing_data", "timeout_s": timeout_s}))
        assert (path, words in why) == ("condition.missing_data.timeout_s", True)


def test_a_limit_inside_a_composite_names_the_part():
    parts = [
        {"type": "threshold", "op": "above", "set": 80},
        {"type": "rate", "op": "above", "set": 1, "window_s": 7200},
    ]
    path, why = reason(rule({"type": "composite", "op": "and", "conditions": parts}))
    assert path == "condition.composite.conditions.1.rate.window_s"
    assert "3600" in why


def test_a_metric_the_device_type_lacks_is_refused():
    assert reason(rule({"type": "threshold", "op": "above", "set": 1}, metric="rpm")) == (
        "metric",
        "device type 'pump' has no metric 'rpm' (it has temperature, vibration)",
    )


def test_an_unknown_device_type_is_refused_only_when_types_are_known():
    data = rule(
        {"type": "threshold", "op": "above", "set": 1},
        scope={"kind": "device_type", "value": "fan"},
    )
    assert reason(data)[0] == "scope.value"
    assert parse_rule(data).scope.value == "fan"


@pytest.mark.parametrize(
    ("scope", "path"),
    [({"kind": "all", "value": "x"}, "scope.value"), ({"kind": "group"}, "scope.value")],
)
def test_scope_value_goes_with_its_kind(scope, path):
    assert reason(rule({"type": "threshold", "op": "above", "set": 1}, scope=scope))[0] == path


def test_shape_errors_carry_the_pydantic_path():
    path, _ = reason(rule({"type": "threshold", "op": "sideways", "set": 1}))
    assert path.startswith("condition.threshold.op")
    assert reason(rule({"type": "nope"}))[0] == "condition"


def test_escalation_steps_must_grow_in_time_and_severity():
    cond = {"type": "threshold", "op": "above", "set": 1}
    steps = [{"after_s": 600, "severity": "critical"}, {"after_s": 300, "notify": "oncall"}]
    assert reason(rule(cond, escalation=steps))[0] == "escalation.1.after_s"
    assert reason(rule(cond, escalation=[{"after_s": 60, "severity": "info"}]))[0] == (
        "escalation.0.severity"
    )
    assert reason(rule(cond, escalation=[{"after_s": 60}]))[0] == "escalation.0"


def test_user_values_that_are_not_plain_strings_never_pass_as_ids():
    path, _ = reason(rule({"type": "threshold", "op": "above", "set": 1}, id={"$ne": ""}))
    assert path == "id"
