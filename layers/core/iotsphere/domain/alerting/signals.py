"""What each leaf condition measures at one reading, and how a measure is compared.

A *signal* is ``None`` when the condition has no verdict at that reading (too few points in the
window); the latch then keeps its state.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean

from iotsphere.domain.alerting.conditions import (
    AggregateCondition,
    AnomalyCondition,
    BandCondition,
    LeafCondition,
    MissingDataCondition,
    RateCondition,
    ThresholdCondition,
)
from iotsphere.domain.alerting.detectors import percentile, robust_z, robust_z_of_change, spread

Point = tuple[int, float]  # (device timestamp in epoch ms, value)


def measure(leaf: LeafCondition, before: Sequence[Point], ts_ms: int, value: float) -> float | None:
    """The leaf's signal at ``(ts_ms, value)``; ``before``: the window's points before it."""
    match leaf:
        case ThresholdCondition() | BandCondition():
            return value
        case AggregateCondition():
            values = [v for _, v in before] + [value]
            if len(values) < leaf.min_points:
                return None
            return _aggregate(leaf, values)
        case RateCondition():
            if not before or before[0][0] == ts_ms:
                return None
            first_ts, first_value = before[0]
            per_second = (value - first_value) / ((ts_ms - first_ts) / 1000)
            return per_second * (60 if leaf.per == "minute" else 1)
        case AnomalyCondition():
            if len(before) < leaf.min_points:
                return None
            window = [v for _, v in before]
            if leaf.method == "robust_z_diff":
                return abs(robust_z_of_change(value, window))
            return abs(robust_z(value, window))
        case MissingDataCondition():
            return None


def _aggregate(leaf: AggregateCondition, values: list[float]) -> float | None:
    match leaf.function:
        case "mean":
            return fmean(values)
        case "min":
            return min(values)
        case "max":
            return max(values)
        case "count":
            return float(len(values))
        case "percentile":
            return percentile(values, leaf.percentile or 0.0)
        case "spread":
            return spread(values)


def set_holds(leaf: LeafCondition, signal: float) -> bool:
    match leaf:
        case BandCondition():
            inside = leaf.low <= signal <= leaf.high
            return inside if leaf.op == "inside" else not inside
        case AnomalyCondition():
            return signal > leaf.set
        case ThresholdCondition() | AggregateCondition() | RateCondition():
            return signal > leaf.set if leaf.op == "above" else signal < leaf.set
        case MissingDataCondition():
            return False


def clear_holds(leaf: LeafCondition, signal: float) -> bool:
    match leaf:
        case BandCondition():
            low, high = leaf.clear_band
            inside = low <= signal <= high
            return not inside if leaf.op == "inside" else inside
        case AnomalyCondition():
            return signal <= leaf.clear_level
        case ThresholdCondition() | AggregateCondition() | RateCondition():
            level = leaf.clear_level
            return signal <= level if leaf.op == "above" else signal >= level
        case MissingDataCondition():
            return True
