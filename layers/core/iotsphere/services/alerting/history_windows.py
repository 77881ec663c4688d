"""Stored readings for many evaluator states at once: one ``HistoryReader.windows`` per metric,
whatever the number of states and devices. The evaluator primes new states and catches up
restored ones with them; the sweep catches up the due states it reads."""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Sequence

from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.signals import Point
from iotsphere.domain.alerting.transitions import from_ms
from iotsphere.services.alerting.ports import HistoryReader

Wanted = tuple[str, str, int, int]  # metric, device, start ms, end ms


def read_windows(
    wanted: Sequence[Wanted], history: HistoryReader
) -> dict[str, dict[str, list[Point]]]:
    """``(metric, device, start ms, end ms)`` read with one ``HistoryReader.windows`` per metric,
    each device over the span of all it is wanted for: points by metric and device."""
    spans: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for metric, device_id, start, end in wanted:
        if (known := spans[metric].get(device_id)) is not None:
            start, end = min(start, known[0]), max(end, known[1])
        spans[metric][device_id] = (start, end)
    return {
        metric: history.windows(metric, {d: (from_ms(a), from_ms(b)) for d, (a, b) in by.items()})
        for metric, by in spans.items()
    }


def between(points: list[Point], start_ms: int, end_ms: int) -> list[Point]:
    """The sorted points with ``start_ms <= ts < end_ms``."""
    low = bisect.bisect_left(points, (start_ms, -math.inf))
    high = bisect.bisect_left(points, (end_ms, -math.inf))
    return points[low:high]


def stored_between(
    wanted: Sequence[tuple[Rule, str, int, int]], history: HistoryReader
) -> list[dict[str, list[Point]]]:
    """For each ``(rule, device, start ms, end ms)``: the stored points of every metric the rule
    reads with ``start <= ts < end`` (metrics without any left out)."""
    read = read_windows(
        [(m, device_id, a, b) for rule, device_id, a, b in wanted for m in rule.metrics], history
    )
    found: list[dict[str, list[Point]]] = []
    for rule, device_id, start, end in wanted:
        points = {m: between(read[m].get(device_id, []), start, end) for m in rule.metrics}
        found.append({m: p for m, p in points.items() if p})
    return found
