"""What the evaluator keeps per rule, device and metric, and what it answers per reading."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.alerting.signals import Point

MAX_HISTORY_POINTS = 5000

# A reading waiting for the watermark: (ts_ms, value) of the rule's metric, or (ts_ms, value,
# metric) of another metric a composite reads. Tuples of both shapes sort by time together.
Waiting = tuple[int, float] | tuple[int, float, str]


class LatchState(BaseModel):
    """One leaf's memory: raised or not, and since when its set comparison has held."""

    model_config = ConfigDict(frozen=True)

    active: bool = False
    since_ms: int | None = None


class MetricHistory(BaseModel):
    """The window of another metric a composite reads (the rule's own is ``history``)."""

    metric: str
    points: list[Point] = Field(default_factory=list)


class EvaluatorState(BaseModel):
    """``metric`` is the rule's; a composite reading other metrics keeps their waiting readings
    in ``pending`` (third item: the metric) and their windows in ``other_history``.

    ``received_ms`` is the platform time of the last readings accepted; ``due_ms`` the platform
    time from which the sweep has something to do with the state (``sweep_due_ms``; None:
    nothing until a reading comes). A state saved before due times existed reads as 0: due at
    once, and the sweep that looks at it gives it its due time. ``silent_since_ms`` is the
    platform time from which a missing-data rule counts the silence of a device that has sent
    no reading under it (the rule's save or the device's registration, ``silent_state``);
    once a reading came, the silence counts from the newest one."""

    org_id: str
    rule_id: str
    device_id: str
    metric: str
    revision: int = 0
    watermark_ms: int | None = None
    max_seen_ms: int | None = None
    pending: list[Waiting] = Field(default_factory=list)
    history: list[Point] = Field(default_factory=list)
    other_history: list[MetricHistory] = Field(default_factory=list)
    latches: list[LatchState] = Field(default_factory=list)
    active: bool = False
    last_ts_ms: int | None = None
    late_dropped: int = 0
    condition_digest: str = ""
    received_ms: int | None = None
    due_ms: int | None = 0
    silent_since_ms: int | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.org_id, self.rule_id, self.device_id, self.metric)

    @property
    def decision(self) -> tuple[object, ...]:
        """What decides the rule's alarm from here on and cannot be read back from telemetry:
        raised or not, each leaf's latch, the condition they belong to, and whether the device
        was ever heard (a missing-data rule counts an unheard device's silence from elsewhere).
        The rest (windows, watermark, readings waiting) follows from the stored readings."""
        heard = self.max_seen_ms is not None
        return (self.active, tuple(self.latches), self.condition_digest, heard)


@dataclass(frozen=True)
class Verdict:
    """The rule's answer at one reading: ``changed`` marks a raise or a clear; ``value`` is the
    reading's value of the rule's metric (None when it carried only other metrics)."""

    ts_ms: int
    value: float | None
    score: float | None
    active: bool
    changed: bool
