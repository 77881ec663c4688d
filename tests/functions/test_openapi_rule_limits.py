"""The rule conditions' limits and defaults are in the OpenAPI document, where API clients (and the
web app's generated `rule-limits.generated.ts`) read them instead of copying them by hand."""

from __future__ import annotations

import pytest

from iotsphere.domain.alerting.conditions import (
    MAX_DURATION_S,
    MAX_PARTS,
    MAX_TIMEOUT_S,
    MAX_WINDOW_S,
    MIN_PARTS,
    MIN_TIMEOUT_S,
)

LEAF_TYPES = ["threshold", "band", "aggregate", "rate", "anomaly", "missing_data"]


@pytest.fixture
def conditions(client) -> dict[str, dict]:
    """Each condition type's schema (request side), by its ``type``, as the rule body refers to
    it."""
    document = client.http.get("/v1/openapi.json").json_body
    schemas = document["components"]["schemas"]
    mapping = schemas["RuleDefinition"]["properties"]["condition"]["discriminator"]["mapping"]
    return {tag: schemas[ref.rsplit("/", 1)[-1]]["properties"] for tag, ref in mapping.items()}


def number(prop: dict) -> dict:
    """A number field's own schema, also when it may be null (``anyOf`` with null)."""
    branches = [b for b in prop.get("anyOf", [prop]) if b.get("type") != "null"]
    (branch,) = branches
    stated = {**branch, **({"default": prop["default"]} if "default" in prop else {})}
    return {key: value for key, value in stated.items() if key != "title"}


def test_every_condition_type_of_a_rule_is_described(conditions):
    assert set(conditions) == {*LEAF_TYPES, "composite"}


def test_every_window_is_one_second_to_an_hour(conditions):
    windows = {
        tag: number(props["window_s"]) for tag, props in conditions.items() if "window_s" in props
    }
    assert set(windows) == {"aggregate", "rate", "anomaly"}
    for window in windows.values():
        assert (window["type"], window["exclusiveMinimum"], window["maximum"]) == (
            "integer",
            0,
            MAX_WINDOW_S,
        )
    assert MAX_WINDOW_S == 3600
    assert windows["anomaly"]["default"] == 600
    assert "default" not in windows["aggregate"]


def test_every_duration_is_zero_to_a_day_and_zero_when_left_out(conditions):
    durations = [
        number(props["duration_s"]) for props in conditions.values() if "duration_s" in props
    ]
    assert len(durations) == 5
    assert MAX_DURATION_S == 86_400
    for duration in durations:
        assert (duration["minimum"], duration["maximum"], duration["default"]) == (
            0,
            MAX_DURATION_S,
            0,
        )


def test_a_heartbeat_timeout_is_ten_seconds_to_a_week(conditions):
    timeout = number(conditions["missing_data"]["timeout_s"])
    assert (timeout["minimum"], timeout["maximum"]) == (MIN_TIMEOUT_S, MAX_TIMEOUT_S)
    assert (MIN_TIMEOUT_S, MAX_TIMEOUT_S) == (10, 7 * 86_400)


def test_the_anomaly_and_aggregate_defaults_and_limits_are_stated(conditions):
    anomaly = conditions["anomaly"]
    assert number(anomaly["set"]) == {"type": "number", "exclusiveMinimum": 0, "default": 3.5}
    assert number(anomaly["clear"])["minimum"] == 0
    assert number(anomaly["min_points"]) == {"type": "integer", "minimum": 3, "default": 20}
    aggregate = conditions["aggregate"]
    assert number(aggregate["min_points"]) == {"type": "integer", "minimum": 1, "default": 1}
    percentile = number(aggregate["percentile"])
    assert (percentile["minimum"], percentile["maximum"]) == (0, 100)


def test_a_composite_joins_two_to_eight_conditions(conditions):
    parts = conditions["composite"]["conditions"]
    assert (parts["minItems"], parts["maxItems"]) == (MIN_PARTS, MAX_PARTS) == (2, 8)
