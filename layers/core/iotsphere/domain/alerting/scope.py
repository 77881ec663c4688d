"""What the evaluator knows of a device to match rule scopes and silences."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.alerting.rules import Rule


class DeviceProfile(BaseModel):
    model_config = ConfigDict(frozen=True)

    device_id: str
    org_id: str
    device_type: str | None = None
    groups: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()


def in_scope(rule: Rule, device: DeviceProfile) -> bool:
    """Whether the rule watches this device; another organization's device never matches."""
    if rule.org_id != device.org_id or not rule.enabled:
        return False
    value = rule.scope.value
    match rule.scope.kind:
        case "all":
            return True
        case "device":
            return value == device.device_id
        case "group":
            return value in device.groups
        case "tag":
            return value in device.tags
        case "device_type":
            return value == device.device_type


class RuleIndex:
    """Rules by scope, so finding a device's rules costs its groups and tags, not every rule."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._by_scope: dict[tuple[str, str | None], list[Rule]] = defaultdict(list)
        for rule in rules:
            self._by_scope[(rule.scope.kind, rule.scope.value)].append(rule)

    def rules_for(self, device: DeviceProfile) -> list[Rule]:
        keys = [("all", None), ("device", device.device_id), ("device_type", device.device_type)]
        keys += [("group", group) for group in sorted(device.groups)]
        keys += [("tag", tag) for tag in sorted(device.tags)]
        found = {id(rule): rule for key in keys for rule in self._by_scope.get(key, [])}
        return [rule for rule in found.values() if in_scope(rule, device)]
