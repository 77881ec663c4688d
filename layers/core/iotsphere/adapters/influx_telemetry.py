"""The telemetry store on InfluxDB's v1 HTTP API: line protocol to /write, InfluxQL on /query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from influxdb import InfluxDBClient
from influxdb.exceptions import InfluxDBClientError, InfluxDBServerError
from influxdb.resultset import ResultSet

from iotsphere.adapters.influx_client import influx_client
from iotsphere.adapters.line_protocol import MEASUREMENT, to_line
from iotsphere.domain.telemetry import Reading
from iotsphere.domain.telemetry_query import (
    DevicesSeriesQuery,
    FleetQuery,
    FleetWindow,
    LatestQuery,
    LatestValue,
    SeriesPoint,
    TelemetryQuery,
)
from iotsphere.services.errors import InvalidQueryError, StoreUnavailableError
from iotsphere.settings import Settings

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TRANSIENT = (requests.RequestException, InfluxDBServerError, ConnectionError)


def quote_identifier(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_influxql(query: TelemetryQuery) -> tuple[str, dict[str, str]]:
    """InfluxQL with every user value bound as a parameter; the metric is a checked identifier."""
    metric = quote_identifier(query.metric)
    if query.window is None:
        select = f"SELECT {metric} AS value"
        group = ""
    else:
        select = f"SELECT {query.aggregation}({metric}) AS value"
        group = f" GROUP BY time({query.window}) fill(none)"
    order = "ASC" if query.oldest_first else "DESC"
    statement = (
        f"{select} FROM {MEASUREMENT} WHERE device_id = $device AND time >= $start "
        f"AND time < $end{group} ORDER BY time {order} LIMIT {int(query.limit)}"
    )
    params = {
        "device": query.device_id,
        "start": _rfc3339(query.start),
        "end": _rfc3339(query.end),
    }
    return statement, params


def _any_device(device_ids: Sequence[str]) -> tuple[str, dict[str, str]]:
    """``(device_id = $d0 OR device_id = $d1 ...)`` and its parameters."""
    params = {f"d{index}": device_id for index, device_id in enumerate(device_ids)}
    condition = " OR ".join(f"device_id = ${name}" for name in params)
    return f"({condition})", params


def build_series_influxql(query: DevicesSeriesQuery) -> tuple[str, dict[str, str]]:
    """``LIMIT`` under ``GROUP BY device_id`` bounds each device's series, not the answer."""
    devices, params = _any_device(query.device_ids)
    statement = (
        f"SELECT {quote_identifier(query.metric)} AS value FROM {MEASUREMENT} "  # noqa: S608
        f"WHERE {devices} AND time >= $start AND time < $end GROUP BY device_id "
        f"ORDER BY time DESC LIMIT {int(query.limit_per_device)}"
    )
    return statement, {**params, "start": _rfc3339(query.start), "end": _rfc3339(query.end)}


def build_latest_influxql(query: LatestQuery) -> tuple[str, dict[str, str]]:
    """One statement per metric, all sent in one request: ``last()`` per device tag keeps each
    value's own time (``last(*)`` would report every time as 1970)."""
    devices, params = _any_device(query.device_ids)
    statements = [
        f"SELECT last({quote_identifier(metric)}) AS value FROM {MEASUREMENT} "  # noqa: S608
        f"WHERE {devices} GROUP BY device_id"
        for metric in query.metrics
    ]
    return "; ".join(statements), params


def build_fleet_influxql(query: FleetQuery) -> tuple[str, dict[str, str]]:
    metric = quote_identifier(query.metric)
    devices, params = _any_device(query.device_ids)
    aggregates = ", ".join(
        f"{name}({metric}) AS {name}" for name in ("mean", "min", "max", "count")
    )
    statement = (
        f"SELECT {aggregates} FROM {MEASUREMENT} WHERE {devices} AND time >= $start "  # noqa: S608
        f"AND time < $end GROUP BY time({query.window}) fill(none) "
        f"ORDER BY time DESC LIMIT {int(query.limit)}"
    )
    return statement, {**params, "start": _rfc3339(query.start), "end": _rfc3339(query.end)}


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class InfluxTelemetryStore:
    def __init__(self, client: InfluxDBClient, database: str) -> None:
        self._client = client
        self._database = database

    @classmethod
    def from_settings(cls, settings: Settings) -> InfluxTelemetryStore:
        return cls(influx_client(settings), settings.influx_database)

    def _post_lines(self, lines: Sequence[str]) -> None:
        self._client.write(
            "\n".join(lines),
            params={"db": self._database, "precision": "ms"},
            expected_response_code=204,
            protocol="line",
        )

    def write(self, readings: Sequence[Reading]) -> list[tuple[Reading, str]]:
        lines = [to_line(reading) for reading in readings]
        try:
            self._post_lines(lines)
        except _TRANSIENT as exc:
            raise StoreUnavailableError(f"InfluxDB write failed: {exc}") from exc
        except InfluxDBClientError as exc:
            if exc.code != 400:
                raise StoreUnavailableError(f"InfluxDB refused the write: {exc}") from exc
            return self._write_one_by_one(readings, lines)
        return []

    def _write_one_by_one(
        self, readings: Sequence[Reading], lines: Sequence[str]
    ) -> list[tuple[Reading, str]]:
        """A 400 names no line: find the refused ones (type conflicts are rare) one at a time."""
        refused: list[tuple[Reading, str]] = []
        for reading, line in zip(readings, lines, strict=True):
            try:
                self._post_lines([line])
            except _TRANSIENT as exc:
                raise StoreUnavailableError(f"InfluxDB write failed: {exc}") from exc
            except InfluxDBClientError as exc:
                if exc.code != 400:
                    raise StoreUnavailableError(f"InfluxDB refused the write: {exc}") from exc
                refused.append((reading, _error_text(exc)))
        return refused

    def _query(self, statement: str, params: dict[str, str]) -> list[ResultSet]:
        """One request; one result set per statement. An aggregation InfluxDB has no iterator for
        (``mean`` of a text metric) is the caller's mistake, not an outage."""
        try:
            result = self._client.query(
                statement, bind_params=params, database=self._database, epoch="ms"
            )
        except _TRANSIENT as exc:
            raise StoreUnavailableError(f"InfluxDB query failed: {exc}") from exc
        except InfluxDBClientError as exc:
            text = _error_text(exc)
            if text.startswith("unsupported") and "iterator type" in text:
                raise InvalidQueryError(
                    f"that aggregation does not apply to this metric's values ({text})"
                ) from exc
            if exc.code is None:  # reported in the answer, e.g. "database not found"
                raise StoreUnavailableError(f"InfluxDB refused the query: {text}") from exc
            raise
        return result if isinstance(result, list) else [result]

    def query(self, query: TelemetryQuery) -> list[SeriesPoint]:
        (result,) = self._query(*build_influxql(query))
        return [_point(row) for row in result.get_points()]

    def series(self, query: DevicesSeriesQuery) -> dict[str, list[SeriesPoint]]:
        (result,) = self._query(*build_series_influxql(query))
        return {
            tags["device_id"]: [_point(row) for row in rows]
            for (_, tags), rows in result.items()
            if tags
        }

    def latest(self, query: LatestQuery) -> list[LatestValue]:
        results = self._query(*build_latest_influxql(query))
        return [
            LatestValue(
                device_id=tags["device_id"],
                metric=metric,
                time=_time(row),
                value=row.get("value"),
            )
            for metric, result in zip(query.metrics, results, strict=True)
            for (_, tags), rows in result.items()
            for row in rows
        ]

    def fleet(self, query: FleetQuery) -> list[FleetWindow]:
        (result,) = self._query(*build_fleet_influxql(query))
        return [
            FleetWindow(
                time=_time(row),
                mean=row.get("mean"),
                min=row.get("min"),
                max=row.get("max"),
                count=row.get("count") or 0,
            )
            for row in result.get_points()
        ]


def _time(row: dict[str, Any]) -> datetime:
    """Times come as epoch milliseconds (what readings keep): a third of the cost of parsing
    RFC 3339 text, which is most of a day-long series' read."""
    return EPOCH + timedelta(milliseconds=int(row["time"]))


def _point(row: dict[str, Any]) -> SeriesPoint:
    return SeriesPoint(time=_time(row), value=row.get("value"))


def _error_text(exc: InfluxDBClientError) -> str:
    content = exc.content if isinstance(exc.content, str) else str(exc.content)
    return content.strip()[:500]
