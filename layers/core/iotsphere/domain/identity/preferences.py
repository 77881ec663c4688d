"""A user's preferences: units, time zone, notification defaults."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.identity.fields import TimeZone

Severity = Literal["info", "warning", "critical"]


class NotificationDefaults(BaseModel):
    """How a new alert subscription of this user starts out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: bool = True
    in_app: bool = True
    min_severity: Severity = "warning"


class Preferences(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    units: Literal["metric", "imperial"] = "metric"
    time_zone: TimeZone = "UTC"
    notifications: NotificationDefaults = Field(default_factory=NotificationDefaults)
