"""Silences and maintenance windows: for a time, transitions of matching alarms are recorded but
not notified. A silence matches one device, one group of devices or one rule."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from iotsphere.domain.alerting.rules import ID_PATTERN
from iotsphere.domain.alerting.scope import DeviceProfile

MAX_SILENCE = timedelta(days=90)


class Silence(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    id: str = Field(pattern=ID_PATTERN.pattern)
    org_id: str = Field(pattern=ID_PATTERN.pattern)
    kind: Literal["device", "group", "rule"]
    value: Annotated[str, Field(min_length=1, max_length=128)]
    starts_at: datetime
    ends_at: datetime
    reason: Annotated[str, Field(max_length=500)] = ""
    created_by: str = ""

    @model_validator(mode="after")
    def _check_window(self) -> Silence:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("starts_at and ends_at need a time zone (use Z for UTC)")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.ends_at - self.starts_at > MAX_SILENCE:
            raise ValueError(f"a silence lasts at most {MAX_SILENCE.days} days")
        return self

    def matches(self, rule_id: str, device: DeviceProfile, at: datetime) -> bool:
        if not self.starts_at <= at < self.ends_at or self.org_id != device.org_id:
            return False
        match self.kind:
            case "device":
                return self.value == device.device_id
            case "group":
                return self.value in device.groups
            case "rule":
                return self.value == rule_id


def silencing(
    silences: Iterable[Silence], rule_id: str, device: DeviceProfile, at: datetime
) -> Silence | None:
    """The first silence that covers this rule and device at ``at``, if any."""
    return next((s for s in silences if s.matches(rule_id, device, at)), None)
