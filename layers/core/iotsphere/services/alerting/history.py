"""History windows from the telemetry store: ``HistoryReader`` over ``TelemetryStore.query``."""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.alerting.signals import Point
from iotsphere.domain.alerting.transitions import to_ms
from iotsphere.domain.telemetry_query import MAX_LIMIT, TelemetryQuery
from iotsphere.services.ports import TelemetryStore

MAX_POINTS = 200_000


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
            found += [
                (to_ms(row.time), float(row.value))
                for row in rows
                if isinstance(row.value, int | float)
            ]
            if len(rows) < self._page:
                break
            upper = rows[-1].time
        return sorted(found)[-self._max_points :]
