"""Reading telemetry back, only ever of the caller's devices: one metric of one device, the latest
values of many devices, a metric aggregated over a fleet, and a CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from iotsphere.domain.telemetry_query import (
    MAX_EXPORT_BYTES,
    MAX_EXPORT_ROWS,
    MAX_FLEET_DEVICES,
    FleetQuery,
    FleetWindow,
    LatestQuery,
    LatestValue,
    SeriesPoint,
    TelemetryQuery,
    check_range,
    window_seconds,
)
from iotsphere.services.errors import InvalidQueryError
from iotsphere.services.telemetry_access import (
    DeviceDirectory,
    DeviceSelection,
    owned_device_ids,
    require_device,
    selected_device_ids,
    selected_page,
)

CSV_COLUMNS = ("time", "device_id", "metric", "value")
SPREADSHEET_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ONE_MS = timedelta(milliseconds=1)


class TelemetryReader(Protocol):
    def query(self, query: TelemetryQuery) -> list[SeriesPoint]:
        """Points of one metric of one device, newest first unless ``oldest_first``."""

    def latest(self, query: LatestQuery) -> list[LatestValue]:
        """The newest value of each metric of each device that has one, in one request."""

    def fleet(self, query: FleetQuery) -> list[FleetWindow]:
        """Windows with at least one reading, newest first."""


def _checked[M: BaseModel](model: type[M], params: dict[str, Any]) -> M:
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "query"
        raise InvalidQueryError(f"{field}: {first['msg']}") from exc


def build_query(**params: Any) -> TelemetryQuery:
    """A checked query from loosely typed parameters; ``InvalidQueryError`` says what is wrong."""
    return _checked(TelemetryQuery, params)


def read_telemetry(
    org_id: str, query: TelemetryQuery, devices: DeviceDirectory, store: TelemetryReader
) -> list[SeriesPoint]:
    """``NotFoundError`` unless the device is the organization's."""
    require_device(org_id, query.device_id, devices)
    return store.query(query)


@dataclass(frozen=True)
class LatestValues:
    values: list[LatestValue]
    unknown_device_ids: list[str]
    next_cursor: str | None = None


def read_latest(
    org_id: str,
    metrics: Sequence[str],
    device_ids: Sequence[str],
    selection: DeviceSelection,
    page: tuple[str | None, int],
    devices: DeviceDirectory,
    store: TelemetryReader,
) -> LatestValues:
    """Devices named by id (those that are none of the organization's are listed, never read),
    or else one ``page`` (cursor, size) of the selection's devices, sorted by id."""
    cursor, page_size = page
    if device_ids:
        if cursor or selection != DeviceSelection():
            raise InvalidQueryError("query: name devices by device_id or select them, not both")
        owned, unknown = owned_device_ids(org_id, device_ids, devices)
        return LatestValues(_latest(owned, metrics, store), unknown)
    found, next_cursor = selected_page(org_id, selection, cursor, page_size, devices)
    return LatestValues(_latest(found, metrics, store), [], next_cursor)


def _latest(
    device_ids: Sequence[str], metrics: Sequence[str], store: TelemetryReader
) -> list[LatestValue]:
    if not device_ids:
        return []
    query = _checked(LatestQuery, {"device_ids": tuple(device_ids), "metrics": tuple(metrics)})
    return store.latest(query)


def read_fleet_aggregate(
    org_id: str,
    selection: DeviceSelection,
    params: dict[str, Any],
    devices: DeviceDirectory,
    store: TelemetryReader,
) -> tuple[int, list[FleetWindow]]:
    """``(devices covered, windows)``; ``params``: metric, start, end, window, limit. The range
    is checked first, so a fleet of no devices answers a broken range as any other does."""
    try:
        check_range(params["start"], params["end"], params["window"])
    except ValueError as exc:
        raise InvalidQueryError(f"query: {exc}") from exc
    device_ids = selected_device_ids(org_id, selection, devices, MAX_FLEET_DEVICES)
    if not device_ids:
        return 0, []
    query = _checked(FleetQuery, {**params, "device_ids": tuple(device_ids)})
    return len(device_ids), store.fleet(query)


@dataclass(frozen=True)
class CsvExport:
    text: str
    rows: int
    capped: bool
    resume_at: datetime | None  # where a next export continues when ``capped``


def export_csv(
    org_id: str,
    query: TelemetryQuery,
    devices: DeviceDirectory,
    store: TelemetryReader,
    max_rows: int = MAX_EXPORT_ROWS,
    max_bytes: int = MAX_EXPORT_BYTES,
) -> CsvExport:
    """Oldest first; stops at ``max_rows`` rows or ``max_bytes`` of text, whichever comes first
    (one response body must fit a Lambda answer), and says where to resume."""
    wanted = query.model_copy(update={"limit": max_rows + 1, "oldest_first": True})
    points = read_telemetry(org_id, wanted, devices, store)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows, size = 0, out.tell()
    for point in points[:max_rows]:
        row = (_iso(point.time), query.device_id, query.metric, _cell(point.value))
        size += sum(len(cell.encode()) + 1 for cell in row)  # quotes aside: the margin holds them
        if size > max_bytes:
            break
        writer.writerow(row)
        rows += 1
    if rows == len(points):
        return CsvExport(out.getvalue(), rows, capped=False, resume_at=None)
    step = timedelta(seconds=window_seconds(query.window)) if query.window else ONE_MS
    resume_at = points[rows - 1].time + step if rows else query.start
    return CsvExport(out.getvalue(), rows, capped=True, resume_at=resume_at)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _cell(value: object) -> str:
    """A string a device sent is data, never a spreadsheet formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(SPREADSHEET_FORMULA_STARTS):
        return "'" + value
    return str(value)
