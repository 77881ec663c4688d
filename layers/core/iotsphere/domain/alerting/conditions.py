"""The conditions a rule can hold, as one discriminated union on ``type``.

Every leaf condition turns the readings of one device metric into a *signal* (the value itself, an
aggregate over a window, a rate of change, an anomaly score) and compares it with a **set** level
(raise) and a **clear** level (clear): the gap between them is the hysteresis. ``duration_s`` asks
the set comparison to hold that long before the alarm rises. A leaf watches the rule's metric, or,
inside a composite, the metric it names ("temperature above 80 AND vibration above 5").
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.telemetry import METRIC_NAME_PATTERN

# The limits of a single field live here, in the schema: pydantic enforces them and the OpenAPI
# document states them (minimum, maximum, default), so API clients and the web app's rule editor
# read them instead of copying them. Limits between fields (clear against set, a band's edges,
# percentile with its function) are rule_checks.py's.
MAX_WINDOW_S = 3600  # the evaluator keeps a window's readings in its state
MAX_DURATION_S = 86_400
MIN_TIMEOUT_S = 10
MAX_TIMEOUT_S = 7 * 86_400
MIN_PARTS = 2
MAX_PARTS = 8

WindowSeconds = Annotated[int, Field(gt=0, le=MAX_WINDOW_S)]
DurationSeconds = Annotated[int, Field(ge=0, le=MAX_DURATION_S)]
TimeoutSeconds = Annotated[int, Field(ge=MIN_TIMEOUT_S, le=MAX_TIMEOUT_S)]


class _Condition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Watched(_Condition):
    """A leaf that reads one metric: the rule's, unless it names another (inside a composite)."""

    metric: str | None = Field(
        default=None,
        pattern=METRIC_NAME_PATTERN.pattern,
        description="inside a composite: the metric this condition watches (default: the rule's)",
    )


class _Level(_Watched):
    """Compare a signal with ``set`` (raise) and ``clear`` (clear; ``set`` when omitted)."""

    op: Literal["above", "below"]
    set: float
    clear: float | None = None
    duration_s: DurationSeconds = 0

    @property
    def clear_level(self) -> float:
        return self.set if self.clear is None else self.clear


class ThresholdCondition(_Level):
    """The value itself: ``above`` raises when value > set and clears when value <= clear."""

    type: Literal["threshold"] = "threshold"


class BandCondition(_Watched):
    """The value against a band ``[low, high]``.

    ``inside`` raises when low <= value <= high and clears outside ``[clear_low, clear_high]``
    (a band at least as wide). ``outside`` raises when value < low or value > high and clears
    inside ``[clear_low, clear_high]`` (a band at most as wide).
    """

    type: Literal["band"] = "band"
    op: Literal["inside", "outside"]
    low: float
    high: float
    clear_low: float | None = None
    clear_high: float | None = None
    duration_s: DurationSeconds = 0

    @property
    def clear_band(self) -> tuple[float, float]:
        return (
            self.low if self.clear_low is None else self.clear_low,
            self.high if self.clear_high is None else self.clear_high,
        )


class AggregateCondition(_Level):
    """An aggregate of the window ``(t - window_s, t]`` compared like a threshold; ``spread`` is
    max - min (a stuck sensor: spread below a small level for a while)."""

    type: Literal["aggregate"] = "aggregate"
    function: Literal["mean", "min", "max", "percentile", "count", "spread"]
    percentile: Annotated[float, Field(ge=0, le=100)] | None = None
    window_s: WindowSeconds
    min_points: Annotated[int, Field(ge=1)] = 1


class RateCondition(_Level):
    """Change per second or minute between the oldest point of the window and the newest."""

    type: Literal["rate"] = "rate"
    per: Literal["second", "minute"] = "minute"
    window_s: WindowSeconds


class AnomalyCondition(_Watched):
    """Robust z-score (median and MAD) of the value against the window before it (``robust_z``),
    or of the change from the previous reading against the window's changes (``robust_z_diff``).

    Raises when |z| > set, clears when |z| <= clear (docs/alerting.md explains the detectors).
    """

    type: Literal["anomaly"] = "anomaly"
    method: Literal["robust_z", "robust_z_diff"] = Field(
        default="robust_z",
        description="robust_z: the level; robust_z_diff: the change from the previous reading",
    )
    window_s: WindowSeconds = 600
    min_points: Annotated[int, Field(ge=3)] = 20
    set: Annotated[float, Field(gt=0)] = 3.5
    clear: Annotated[float, Field(ge=0)] | None = None
    duration_s: DurationSeconds = 0

    @property
    def clear_level(self) -> float:
        return self.set if self.clear is None else self.clear


class MissingDataCondition(_Condition):
    """No reading of the metric from the device for ``timeout_s``: a heartbeat per metric."""

    type: Literal["missing_data"] = "missing_data"
    timeout_s: TimeoutSeconds


class CompositeCondition(_Condition):
    """AND / OR of conditions, each on the rule's metric or the one it names; each keeps its own
    hysteresis and duration."""

    type: Literal["composite"] = "composite"
    op: Literal["and", "or"]
    conditions: list[Condition] = Field(min_length=MIN_PARTS, max_length=MAX_PARTS)


Condition = Annotated[
    ThresholdCondition
    | BandCondition
    | AggregateCondition
    | RateCondition
    | AnomalyCondition
    | MissingDataCondition
    | CompositeCondition,
    Field(discriminator="type"),
]
LeafCondition = (
    ThresholdCondition
    | BandCondition
    | AggregateCondition
    | RateCondition
    | AnomalyCondition
    | MissingDataCondition
)

CompositeCondition.model_rebuild()


def leaves(condition: Condition) -> list[LeafCondition]:
    """Leaf conditions in depth-first order: the order of their latches in evaluator state."""
    if isinstance(condition, CompositeCondition):
        return [leaf for child in condition.conditions for leaf in leaves(child)]
    return [condition]


def leaf_metric(leaf: LeafCondition, rule_metric: str) -> str:
    """The metric a leaf reads: the one it names, else the rule's."""
    return getattr(leaf, "metric", None) or rule_metric


def metrics_of(condition: Condition, rule_metric: str) -> list[str]:
    """Every metric the condition reads, the rule's first, each once."""
    if not isinstance(condition, CompositeCondition):
        return [rule_metric]
    return list(windows_by_metric(condition, rule_metric))


def windows_by_metric(condition: Condition, rule_metric: str) -> dict[str, int]:
    """Seconds of history each metric the condition reads needs (its leaves' longest window; 0:
    none), the rule's metric first. Called per reading, so a lone condition takes a short cut."""
    if not isinstance(condition, CompositeCondition):
        return {rule_metric: getattr(condition, "window_s", 0)}
    windows = {rule_metric: 0}
    for leaf in leaves(condition):
        metric = leaf_metric(leaf, rule_metric)
        windows[metric] = max(windows.get(metric, 0), getattr(leaf, "window_s", 0))
    return windows
