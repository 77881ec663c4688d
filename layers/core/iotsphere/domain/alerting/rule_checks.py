"""What a rule must satisfy beyond its shape: possible bands, clear levels on the right side of set
levels, fields that go together, metrics the device type has. A single field's limits (a window of
at most an hour, a heartbeat of 10 s to a week) are the schema's, in conditions.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from iotsphere.domain.alerting.conditions import (
    AggregateCondition,
    AnomalyCondition,
    BandCondition,
    CompositeCondition,
    Condition,
    MissingDataCondition,
    RateCondition,
    ThresholdCondition,
    leaf_metric,
)
from iotsphere.domain.alerting.errors import RuleValidationError
from iotsphere.domain.alerting.rules import Rule

MAX_DEPTH = 3


def validate_rule(
    rule: Rule, device_type_metrics: Mapping[str, Sequence[str]] | None = None
) -> None:
    """Raise ``RuleValidationError`` (with the field path) at the first thing that cannot work."""
    if rule.scope.kind == "all" and rule.scope.value is not None:
        raise RuleValidationError("scope.value", "must be empty when the scope is all")
    if rule.scope.kind != "all" and rule.scope.value is None:
        raise RuleValidationError("scope.value", f"required for a {rule.scope.kind} scope")
    if rule.scope.kind == "device_type" and device_type_metrics is not None:
        metrics = device_type_metrics.get(str(rule.scope.value))
        if metrics is None:
            raise RuleValidationError("scope.value", f"unknown device type {rule.scope.value!r}")
        for metric, path in [(rule.metric, "metric"), *_named_metrics(rule.condition, "condition")]:
            if metric not in metrics:
                raise RuleValidationError(
                    path,
                    f"device type {rule.scope.value!r} has no metric {metric!r} "
                    f"(it has {', '.join(sorted(metrics))})",
                )
    if (
        not isinstance(rule.condition, CompositeCondition)
        and leaf_metric(rule.condition, rule.metric) != rule.metric
    ):
        raise RuleValidationError(
            "condition.metric",
            "a condition alone watches the rule's metric; name other metrics only on the "
            "conditions of a composite",
        )
    _check_condition(rule.condition, "condition", depth=1)
    _check_escalation(rule)


def parse_rule(
    data: Mapping[str, Any], device_type_metrics: Mapping[str, Sequence[str]] | None = None
) -> Rule:
    """A checked rule from loosely typed data; ``RuleValidationError`` names the first problem."""
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        raise RuleValidationError.first_of(exc) from exc
    validate_rule(rule, device_type_metrics)
    return rule


def _named_metrics(condition: Condition, path: str) -> list[tuple[str, str]]:
    """``(metric, field path)`` of every leaf that names its metric, depth first."""
    if isinstance(condition, CompositeCondition):
        return [
            found
            for index, child in enumerate(condition.conditions)
            for found in _named_metrics(child, f"{path}.conditions.{index}")
        ]
    metric = getattr(condition, "metric", None)
    return [] if metric is None else [(metric, f"{path}.metric")]


def _check_condition(condition: Condition, path: str, depth: int) -> None:
    match condition:
        case CompositeCondition():
            if depth >= MAX_DEPTH:
                raise RuleValidationError(path, f"composites nest at most {MAX_DEPTH} deep")
            for index, child in enumerate(condition.conditions):
                child_path = f"{path}.conditions.{index}"
                if isinstance(child, MissingDataCondition):
                    raise RuleValidationError(
                        child_path, "missing_data is checked by the sweep; use it as a rule alone"
                    )
                _check_condition(child, child_path, depth + 1)
        case ThresholdCondition() | RateCondition():
            _check_level(condition.op, condition.set, condition.clear, path)
        case AggregateCondition():
            _check_level(condition.op, condition.set, condition.clear, path)
            if (condition.function == "percentile") != (condition.percentile is not None):
                raise RuleValidationError(
                    f"{path}.percentile", "required with function percentile, and only with it"
                )
            if (
                condition.function == "spread"
                and condition.op == "below"
                and condition.min_points < 2
            ):
                raise RuleValidationError(
                    f"{path}.min_points",
                    "a spread below a level needs at least 2 points: one point's spread is 0",
                )
        case AnomalyCondition():
            if condition.clear is not None and condition.clear > condition.set:
                raise RuleValidationError(
                    f"{path}.clear", f"must be at most set ({condition.set}) for an anomaly score"
                )
        case BandCondition():
            _check_band(condition, path)


def _check_level(op: str, set_level: float, clear: float | None, path: str) -> None:
    if clear is None:
        return
    if op == "above" and clear > set_level:
        raise RuleValidationError(
            f"{path}.clear", f"{clear} is above the set level {set_level}; for above it must be <="
        )
    if op == "below" and clear < set_level:
        raise RuleValidationError(
            f"{path}.clear", f"{clear} is below the set level {set_level}; for below it must be >="
        )


def _check_band(band: BandCondition, path: str) -> None:
    if band.low >= band.high:
        raise RuleValidationError(
            f"{path}.high", f"impossible band: high {band.high} must be above low {band.low}"
        )
    clear_low, clear_high = band.clear_band
    if clear_low > clear_high:
        raise RuleValidationError(f"{path}.clear_high", "clear band is empty")
    widens = band.op == "inside"
    if (clear_low > band.low) if widens else (clear_low < band.low):
        side = "at or below" if widens else "at or above"
        raise RuleValidationError(f"{path}.clear_low", f"must be {side} low {band.low}")
    if (clear_high < band.high) if widens else (clear_high > band.high):
        side = "at or above" if widens else "at or below"
        raise RuleValidationError(f"{path}.clear_high", f"must be {side} high {band.high}")


def _check_escalation(rule: Rule) -> None:
    previous = 0
    for index, step in enumerate(rule.escalation):
        path = f"escalation.{index}"
        if step.after_s <= previous:
            raise RuleValidationError(f"{path}.after_s", "steps must come later one after another")
        if step.severity is None and step.notify is None:
            raise RuleValidationError(path, "a step raises the severity, notifies, or both")
        if step.severity is not None and step.severity.rank > rule.severity.rank:
            raise RuleValidationError(
                f"{path}.severity", f"{step.severity} is lower than the rule's {rule.severity}"
            )
        previous = step.after_s
