"""Fakes of the service ports: in-memory, honest about identity (device + timestamp)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from iotsphere.domain.quarantine import QuarantinedMessage
from iotsphere.domain.telemetry import Reading
from iotsphere.domain.telemetry_query import (
    DevicesSeriesQuery,
    FleetQuery,
    FleetWindow,
    LatestQuery,
    LatestValue,
    SeriesPoint,
    TelemetryQuery,
    window_seconds,
)
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.quarantine_query import QuarantineSearch


class FakeTelemetryStore:
    def __init__(self) -> None:
        self.points: dict[tuple[str, int], Reading] = {}
        self.writes = 0
        self.down = False
        self.refuse: dict[str, str] = {}  # metric name -> reason
        self.fleet_queries: list[FleetQuery] = []
        self.series_queries: list[DevicesSeriesQuery] = []

    def write(self, readings: Sequence[Reading]) -> list[tuple[Reading, str]]:
        if self.down:
            raise StoreUnavailableError("fake store is down")
        self.writes += 1
        refused = []
        for reading in readings:
            reason = next((self.refuse[m] for m in reading.metrics if m in self.refuse), None)
            if reason:
                refused.append((reading, reason))
            else:
                self.points[(reading.device_id, reading.epoch_ms)] = reading
        return refused

    def query(self, query: TelemetryQuery) -> list[SeriesPoint]:
        rows = [
            SeriesPoint(time=r.ts, value=r.metrics.get(query.metric))
            for r in self.points.values()
            if r.device_id == query.device_id and query.start <= r.ts < query.end
        ]
        return sorted(rows, key=lambda p: p.time, reverse=not query.oldest_first)[: query.limit]

    def series(self, query: DevicesSeriesQuery) -> dict[str, list[SeriesPoint]]:
        self.series_queries.append(query)
        found: dict[str, list[SeriesPoint]] = {}
        for r in sorted(self.points.values(), key=lambda r: r.ts, reverse=True):
            wanted = r.device_id in query.device_ids and query.start <= r.ts < query.end
            if wanted and query.metric in r.metrics:
                rows = found.setdefault(r.device_id, [])
                if len(rows) < query.limit_per_device:
                    rows.append(SeriesPoint(time=r.ts, value=r.metrics[query.metric]))
        return found

    def latest(self, query: LatestQuery) -> list[LatestValue]:
        newest: dict[tuple[str, str], Reading] = {}
        for reading in sorted(self.points.values(), key=lambda r: r.ts):
            for metric in query.metrics:
                if reading.device_id in query.device_ids and metric in reading.metrics:
                    newest[(reading.device_id, metric)] = reading
        return [
            LatestValue(device_id=device, metric=metric, time=r.ts, value=r.metrics[metric])
            for (device, metric), r in newest.items()
        ]

    def fleet(self, query: FleetQuery) -> list[FleetWindow]:
        self.fleet_queries.append(query)
        step = window_seconds(query.window) * 1000
        windows: dict[int, list[float]] = {}
        for r in self.points.values():
            value = r.metrics.get(query.metric)
            wanted = r.device_id in query.device_ids and query.start <= r.ts < query.end
            if wanted and isinstance(value, float):
                windows.setdefault(r.epoch_ms - r.epoch_ms % step, []).append(value)
        return [
            FleetWindow(
                time=datetime.fromtimestamp(start / 1000, tz=UTC),
                mean=sum(values) / len(values),
                min=min(values),
                max=max(values),
                count=len(values),
            )
            for start, values in sorted(windows.items(), reverse=True)
        ][: query.limit]


class FakeQuarantine:
    def __init__(self) -> None:
        self.messages: dict[str, QuarantinedMessage] = {}

    def put(self, messages: Sequence[QuarantinedMessage]) -> None:
        for message in messages:
            self.messages.setdefault(message.id, message)

    def list(self, device_id: str | None = None, limit: int = 100) -> list[QuarantinedMessage]:
        found = [m for m in self.messages.values() if device_id in (None, m.device_id)]
        return sorted(found, key=lambda m: m.received_at, reverse=True)[:limit]

    def find(
        self,
        device_ids: Sequence[str],
        search: QuarantineSearch,
        after: tuple[datetime, str] | None,
    ) -> list[QuarantinedMessage]:
        reason = (search.reason_contains or "").lower()
        found = [
            m
            for m in self.messages.values()
            if m.device_id in device_ids
            and (search.since is None or m.received_at >= search.since)
            and (search.until is None or m.received_at < search.until)
            and reason in m.reason.lower()
            and (after is None or (m.received_at, m.id) < after)
        ]
        return sorted(found, key=lambda m: (m.received_at, m.id), reverse=True)[: search.limit]

    def get(self, message_id: str) -> QuarantinedMessage | None:
        return self.messages.get(message_id)


class FakePublisher:
    def __init__(self) -> None:
        self.bodies: list[str] = []

    def publish(self, bodies: Sequence[str]) -> None:
        self.bodies.extend(bodies)
