"""Saving rules: checked against the rule model and, for a device-type scope, against the metrics
the organization's device type declares. The organization always comes from the caller, never
from the body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iotsphere.domain.alerting.errors import RuleValidationError
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.domain.alerting.rules import Rule
from iotsphere.services.alerting.ports import RuleStore
from iotsphere.services.devices.ports import DeviceTypeRepository


def save_rule(
    org_id: str,
    rule_id: str,
    body: Mapping[str, Any],
    rules: RuleStore,
    types: DeviceTypeRepository,
) -> Rule:
    """Validate and store; ``RuleValidationError`` carries the field path and the reason."""
    rule = parse_rule({**body, "org_id": org_id, "id": rule_id})
    type_metrics: dict[str, list[str]] | None = None
    if rule.scope.kind == "device_type" and rule.scope.value is not None:
        device_type = types.get(org_id, rule.scope.value)
        if device_type is None:
            raise RuleValidationError("scope.value", f"unknown device type {rule.scope.value!r}")
        if device_type.metrics:
            type_metrics = {device_type.id: [metric.name for metric in device_type.metrics]}
    rule = parse_rule(rule.model_dump(), type_metrics)
    rules.save(rule)
    return rule


def get_rule(org_id: str, rule_id: str, rules: RuleStore) -> Rule:
    """``NotFoundError`` for a rule the organization does not have."""
    return rules.get(org_id, rule_id)


def delete_rule(org_id: str, rule_id: str, rules: RuleStore) -> None:
    """Delete; the sweep clears the rule's open alarms (``rule no longer applies``)."""
    rules.delete(org_id, rule_id)
