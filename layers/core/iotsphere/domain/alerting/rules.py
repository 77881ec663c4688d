"""Alert rules: what to watch (scope + metric), how bad it is (severity), when to raise (condition),
and how the alarm behaves afterwards (flap suppression, escalation, lateness)."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.alerting.conditions import Condition, metrics_of
from iotsphere.domain.digests import digest
from iotsphere.domain.telemetry import METRIC_NAME_PATTERN

RULE_VERSION = 1
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical up to 4 for info: lower is worse."""
        return list(Severity).index(self)


class Scope(BaseModel):
    """Which devices a rule watches: one device, a group, a tag, a device type, or all."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["device", "group", "tag", "device_type", "all"]
    value: Annotated[str, Field(min_length=1, max_length=128)] | None = None


class FlapPolicy(BaseModel):
    """``transitions`` raises and clears within ``window_s`` make the alarm FLAPPING; it settles
    after ``settle_s`` without one. Notifications of raises and clears wait until it settles."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    transitions: Annotated[int, Field(ge=2, le=100)] = 6
    window_s: Annotated[int, Field(gt=0)] = 600
    settle_s: Annotated[int, Field(gt=0)] = 600


class EscalationStep(BaseModel):
    """Unacknowledged ``after_s`` after it rose: raise the severity and/or notify a target."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    after_s: Annotated[int, Field(gt=0)]
    severity: Severity | None = None
    notify: Annotated[str, Field(min_length=1, max_length=128)] | None = None


class Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    id: str = Field(pattern=ID_PATTERN.pattern)
    org_id: str = Field(pattern=ID_PATTERN.pattern)
    name: Annotated[str, Field(min_length=1, max_length=200)]
    enabled: bool = True
    scope: Scope
    metric: str = Field(pattern=METRIC_NAME_PATTERN.pattern)
    severity: Severity
    condition: Condition
    lateness_s: Annotated[int, Field(ge=0, le=300)] = 60
    flap: FlapPolicy | None = FlapPolicy()
    escalation: list[EscalationStep] = Field(default_factory=list, max_length=5)

    @property
    def metrics(self) -> list[str]:
        """Every metric the rule reads, its own first: more than one for a composite whose
        leaves name other metrics."""
        return metrics_of(self.condition, self.metric)

    @cached_property
    def condition_digest(self) -> str:
        """Fingerprint of the condition, which a saved evaluator state carries to notice a rule
        edit. Computed once per rule object: the evaluator compares it for every state of every
        batch, and serializing the condition each time was ~7 % of its CPU."""
        return digest(self.condition.model_dump_json())
