"""History windows from the telemetry store: ``HistoryReader`` over ``TelemetryStore.query``
(one device) and ``TelemetryStore.series`` (many devices in one read)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from iotsphere.domain.alerting.signals import Point
from iotsphere.domain.alerting.transitions import to_ms
from iotsphere.domain.telemetry_query import (
    MAX_LIMIT,
    MAX_SERIES_DEVICES,
    DevicesSeriesQuery,
    SeriesPoint,
    TelemetryQuery,
)
from iotsphere.services.ports import TelemetryStore

MAX_POINTS = 200_000

Range = tuple[datetime, datetime]


class TelemetryHistory:
    """Pages back from ``end`` (the store answers newest first) until ``start`` or ``max_points``;
    booleans count as 0 and 1, strings and nulls are left out."""

    def __init__(
        self, store: TelemetryStore, page: int = MAX_LIMIT, max_points: int = MAX_POINTS
    ) -> None:
        self._store = store
        self._page = page
        self._max_points = max_points

    def points(self, device_id: str, metric: str, start: datetime, end: datetime) -> list[Point]:
        found: list[Point] = []
        upper = end
        while upper > start and len(found) < self._max_points:
            query = TelemetryQuery(
                device_id=device_id, metric=metric, start=start, end=upper, limit=self._page
            )
            rows = self._store.query(query)
            found += _numbers(rows)
            if len(rows) < self._page:
                break
            upper = rows[-1].time
        return sorted(found)[-self._max_points :]

    def windows(self, metric: str, ranges: Mapping[str, Range]) -> dict[str, list[Point]]:
        """Each device's points in its own range, read for up to ``MAX_SERIES_DEVICES`` devices
        at a time over the span of their ranges; a device whose answer fills a page may have
        more, and is paged back alone."""
        devices = sorted(ranges)
        found: dict[str, list[Point]] = {}
        for first in range(0, len(devices), MAX_SERIES_DEVICES):
            chunk = devices[first : first + MAX_SERIES_DEVICES]
            query = DevicesSeriesQuery(
                device_ids=tuple(chunk),
                metric=metric,
                start=min(ranges[d][0] for d in chunk),
                end=max(ranges[d][1] for d in chunk),
                limit_per_device=self._page,
            )
            for device_id, rows in self._store.series(query).items():
                start, end = ranges[device_id]
                if len(rows) >= self._page:
                    points = self.points(device_id, metric, start, end)
                else:
                    low, high = to_ms(start), to_ms(end)
                    points = sorted(p for p in _numbers(rows) if low <= p[0] < high)
                if points:
                    found[device_id] = points
        return found


def _numbers(rows: Sequence[SeriesPoint]) -> list[Point]:
    return [
        (to_ms(row.time), float(row.value)) for row in rows if isinstance(row.value, int | float)
    ]
