"""The telemetry store on InfluxDB's v1 HTTP API: line protocol to /write, InfluxQL on /query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import requests
from influxdb import InfluxDBClient
from influxdb.exceptions import InfluxDBClientError, InfluxDBServerError

from iotsphere.adapters.line_protocol import MEASUREMENT, to_line
from iotsphere.domain.telemetry import Reading
from iotsphere.domain.telemetry_query import SeriesPoint, TelemetryQuery
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.settings import Settings

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
    statement = (
        f"{select} FROM {MEASUREMENT} WHERE device_id = $device AND time >= $start "
        f"AND time < $end{group} ORDER BY time DESC LIMIT {int(query.limit)}"
    )
    params = {
        "device": query.device_id,
        "start": _rfc3339(query.start),
        "end": _rfc3339(query.end),
    }
    return statement, params


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class InfluxTelemetryStore:
    def __init__(self, client: InfluxDBClient, database: str) -> None:
        self._client = client
        self._database = database

    @classmethod
    def from_settings(cls, settings: Settings) -> InfluxTelemetryStore:
        host_port = settings.influx_url.split("://", 1)[-1].rstrip("/")
        host, _, port = host_port.partition(":")
        client = InfluxDBClient(
            host=host,
            port=int(port or 8086),
            username=settings.influx_username or None,
            password=settings.influx_password or None,
            database=settings.influx_database,
            ssl=settings.influx_url.startswith("https"),
            timeout=settings.influx_timeout_s,
            retries=1,
        )
        return cls(client, settings.influx_database)

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

    def query(self, query: TelemetryQuery) -> list[SeriesPoint]:
        statement, params = build_influxql(query)
        try:
            result = self._client.query(
                statement, bind_params=params, database=self._database, epoch=None
            )
        except _TRANSIENT as exc:
            raise StoreUnavailableError(f"InfluxDB query failed: {exc}") from exc
        return [_point(row) for row in result.get_points()]


def _point(row: dict[str, Any]) -> SeriesPoint:
    return SeriesPoint(time=datetime.fromisoformat(row["time"]), value=row.get("value"))


def _error_text(exc: InfluxDBClientError) -> str:
    content = exc.content if isinstance(exc.content, str) else str(exc.content)
    return content.strip()[:500]
