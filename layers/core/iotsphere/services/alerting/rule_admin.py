"""Saving rules: checked against the rule model and, for a device-type scope, against the metrics
the organization's device type declares. The organization always comes from the caller, never
from the body.

A save (enabling included) or a delete marks the organization's evaluator states due at once
(``EvaluatorStateStore.mark_org_due``): a device that stays quiet is otherwise swept at the due
time its state got under the old rule, or never, so a rule edited into ``missing_data`` or given
a shorter timeout would reach it only at its next reading. The next sweep applies the rules as
they are now to each of those states and saves it with its due time. Saving a missing-data
rule also gives each device in its scope that never reported a state counting its silence from
the save (``silent_devices``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from iotsphere.domain.alerting.errors import RuleValidationError
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.transitions import to_ms
from iotsphere.services.alerting.ports import AlertingPorts, RuleStore
from iotsphere.services.alerting.silent_devices import watch_silent_devices
from iotsphere.services.devices.ports import DeviceTypeRepository

MAX_NUMBER = 10**9  # seconds: about 31 years


def save_rule(
    org_id: str,
    rule_id: str,
    body: Mapping[str, Any],
    rules: RuleStore,
    types: DeviceTypeRepository,
    evaluation: AlertingPorts,
    now: datetime,
) -> Rule:
    """Validate and store; ``RuleValidationError`` carries the field path and the reason.
    ``now`` is when the rule takes effect."""
    rule = parse_rule({**body, "org_id": org_id, "id": rule_id})
    type_metrics: dict[str, list[str]] | None = None
    if rule.scope.kind == "device_type" and rule.scope.value is not None:
        device_type = types.get(org_id, rule.scope.value)
        if device_type is None:
            raise RuleValidationError("scope.value", f"unknown device type {rule.scope.value!r}")
        if device_type.metrics:
            type_metrics = {device_type.id: [metric.name for metric in device_type.metrics]}
    rule = parse_rule(rule.model_dump(), type_metrics)
    _check_sizes(rule.model_dump(mode="json"), "")
    rules.save(rule)
    watch_silent_devices(rule, to_ms(now), evaluation)
    evaluation.states.mark_org_due(org_id)
    return rule


def _check_sizes(value: object, path: str) -> None:
    """Every whole number of a rule counts seconds or events: beyond ``MAX_NUMBER`` it could not
    be stored (MongoDB keeps 64 bits) nor added to a time (escalation, flap settling)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise RuleValidationError(path, f"at most {MAX_NUMBER}")
    if isinstance(value, list):
        value = dict(enumerate(value))
    if isinstance(value, dict):
        for key, child in value.items():
            _check_sizes(child, f"{path}.{key}" if path else str(key))


def get_rule(org_id: str, rule_id: str, rules: RuleStore) -> Rule:
    """``NotFoundError`` for a rule the organization does not have."""
    return rules.get(org_id, rule_id)


def delete_rule(org_id: str, rule_id: str, rules: RuleStore, evaluation: AlertingPorts) -> None:
    """Delete; the next sweep clears the rule's open alarms (``rule no longer applies``) and
    takes its states out of their device documents."""
    rules.delete(org_id, rule_id)
    evaluation.states.mark_org_due(org_id)
