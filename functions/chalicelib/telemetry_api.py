"""Data API: telemetry of the caller's devices — one device's series, latest values of many
devices, fleet aggregates by group, tag or type, and a CSV export."""

from __future__ import annotations

from datetime import UTC, datetime

from chalice.app import Response
from pydantic import BaseModel, ConfigDict, Field

from chalicelib.http import Api, RequestContext
from iotsphere import bootstrap
from iotsphere.domain.devices.fields import Label, Slug
from iotsphere.domain.identity.roles import Permission
from iotsphere.domain.telemetry import DEVICE_ID_PATTERN, METRIC_NAME_PATTERN
from iotsphere.domain.telemetry_query import (
    MAX_EXPORT_ROWS,
    MAX_FLEET_DEVICES,
    MAX_LATEST_DEVICES,
    MAX_LATEST_METRICS,
    MAX_LIMIT,
    WINDOW_PATTERN,
    Aggregation,
    FleetWindow,
    LatestValue,
    MetricName,
    SeriesPoint,
    TelemetryDeviceId,
    TelemetryQuery,
    default_start,
)
from iotsphere.domain.timestamps import IsoDateTime
from iotsphere.services.telemetry_access import DeviceSelection
from iotsphere.services.telemetry_query import (
    build_query,
    export_csv,
    read_fleet_aggregate,
    read_latest,
    read_telemetry,
)

api = Api(tag="telemetry", description="Readings your devices sent: raw, aggregated, latest, CSV")
bp = api.blueprint


class DevicePath(BaseModel):
    device_id: str = Field(pattern=DEVICE_ID_PATTERN.pattern, max_length=128)


class RangeParams(BaseModel):
    start: IsoDateTime | None = Field(default=None, description="ISO 8601; default: 1 h ago")
    end: IsoDateTime | None = Field(default=None, description="ISO 8601; default: now")

    def range(self) -> tuple[datetime, datetime]:
        end = self.end or datetime.now(tz=UTC)
        return self.start or default_start(end), end


class TelemetryParams(RangeParams):
    model_config = ConfigDict(extra="forbid")

    metric: str = Field(pattern=METRIC_NAME_PATTERN.pattern, description="a metric name")
    window: str | None = Field(
        default=None, pattern=WINDOW_PATTERN.pattern, description="aggregate per window, e.g. 5m"
    )
    aggregation: Aggregation = Field(default="mean", description="used with window")
    limit: int = Field(default=1000, ge=1, le=MAX_LIMIT, description="most points returned")


class CsvParams(TelemetryParams):
    limit: int = Field(
        default=MAX_EXPORT_ROWS,
        ge=1,
        le=MAX_EXPORT_ROWS,
        description="most rows; the X-Row-Cap-Reached header says when the range held more",
    )


class TelemetrySeries(BaseModel):
    device_id: str
    metric: str
    window: str | None
    aggregation: Aggregation | None
    points: list[SeriesPoint] = Field(description="newest first")


class SelectionParams(BaseModel):
    groups: list[Label] = Field(default_factory=list, max_length=20, description="any of these")
    tags: list[Label] = Field(default_factory=list, max_length=20, description="every one of these")
    device_type: Slug | None = None

    def selection(self) -> DeviceSelection:
        return DeviceSelection(groups=self.groups, tags=self.tags, device_type=self.device_type)


class LatestParams(SelectionParams):
    model_config = ConfigDict(extra="forbid")

    metric: list[MetricName] = Field(min_length=1, max_length=MAX_LATEST_METRICS)
    device_id: list[TelemetryDeviceId] = Field(
        default_factory=list,
        max_length=MAX_LATEST_DEVICES,
        description="these devices; or none, and select by groups, tags and type a page at a time",
    )
    cursor: str | None = Field(default=None, max_length=1000, description="next_cursor of a page")
    limit: int = Field(
        default=MAX_LATEST_DEVICES, ge=1, le=MAX_LATEST_DEVICES, description="devices"
    )


class LatestPage(BaseModel):
    values: list[LatestValue] = Field(description="one per device and metric that has a value")
    unknown_device_ids: list[str] = Field(description="ids given that are none of your devices")
    next_cursor: str | None = Field(description="the next page of a selection, if any")


class FleetParams(SelectionParams, RangeParams):
    model_config = ConfigDict(extra="forbid")

    metric: MetricName
    window: str = Field(pattern=WINDOW_PATTERN.pattern, description="e.g. 5m")
    limit: int = Field(default=1000, ge=1, le=MAX_LIMIT, description="most windows returned")


class FleetAggregate(BaseModel):
    metric: str
    window: str
    devices: int = Field(description=f"devices covered, at most {MAX_FLEET_DEVICES}")
    windows: list[FleetWindow] = Field(description="newest first, only windows with readings")


@api.route(
    "GET",
    "/devices/{device_id}/telemetry",
    summary="One metric of one device over a time range",
    permission=Permission.READ,
    path_params=DevicePath,
    query=TelemetryParams,
    response=TelemetrySeries,
    problems=(503,),
)
def get_device_telemetry(
    ctx: RequestContext, path: DevicePath, query: TelemetryParams
) -> TelemetrySeries:
    checked = _series_query(path, query)
    points = read_telemetry(
        ctx.caller.org_id, checked, bootstrap.device_repository(), bootstrap.telemetry_store()
    )
    return TelemetrySeries(
        device_id=checked.device_id,
        metric=checked.metric,
        window=checked.window,
        aggregation=checked.aggregation if checked.window else None,
        points=points,
    )


@api.route(
    "GET",
    "/devices/{device_id}/telemetry.csv",
    summary="One metric of one device as text/csv, oldest first, with a row cap",
    permission=Permission.READ,
    path_params=DevicePath,
    query=CsvParams,
    problems=(503,),
)
def export_device_telemetry(ctx: RequestContext, path: DevicePath, query: CsvParams) -> Response:
    export = export_csv(
        ctx.caller.org_id,
        _series_query(path, query),
        bootstrap.device_repository(),
        bootstrap.telemetry_store(),
        max_rows=query.limit,
    )
    headers: dict[str, str | list[str]] = {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{path.device_id}-{query.metric}.csv"',
        "X-Row-Count": str(export.rows),
        "X-Row-Cap": str(query.limit),
        "X-Row-Cap-Reached": "true" if export.capped else "false",
    }
    if export.resume_at is not None:
        headers["X-Next-Start"] = export.resume_at.isoformat().replace("+00:00", "Z")
    return Response(body=export.text, status_code=200, headers=headers)


def _series_query(path: DevicePath, query: TelemetryParams) -> TelemetryQuery:
    start, end = query.range()
    return build_query(
        device_id=path.device_id,
        metric=query.metric,
        start=start,
        end=end,
        window=query.window,
        aggregation=query.aggregation,
        limit=query.limit,
    )


@api.route(
    "GET",
    "/telemetry/latest",
    summary="The latest value of some metrics for many devices at once",
    permission=Permission.READ,
    query=LatestParams,
    response=LatestPage,
    problems=(503,),
)
def get_latest_telemetry(ctx: RequestContext, query: LatestParams) -> LatestPage:
    found = read_latest(
        ctx.caller.org_id,
        query.metric,
        query.device_id,
        query.selection(),
        (query.cursor, query.limit),
        bootstrap.device_repository(),
        bootstrap.telemetry_store(),
    )
    return LatestPage(
        values=found.values,
        unknown_device_ids=found.unknown_device_ids,
        next_cursor=found.next_cursor,
    )


@api.route(
    "GET",
    "/telemetry/fleet",
    summary="One metric over your devices by group, tag or type: mean, min, max, count per window",
    permission=Permission.READ,
    query=FleetParams,
    response=FleetAggregate,
    problems=(503,),
)
def get_fleet_telemetry(ctx: RequestContext, query: FleetParams) -> FleetAggregate:
    start, end = query.range()
    params = {
        "metric": query.metric,
        "start": start,
        "end": end,
        "window": query.window,
        "limit": query.limit,
    }
    covered, windows = read_fleet_aggregate(
        ctx.caller.org_id,
        query.selection(),
        params,
        bootstrap.device_repository(),
        bootstrap.telemetry_store(),
    )
    return FleetAggregate(
        metric=query.metric, window=query.window, devices=covered, windows=windows
    )
