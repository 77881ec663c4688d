"""What the evaluator knows of a device to match rule scopes and silences."""

from __future__ import annotations

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
