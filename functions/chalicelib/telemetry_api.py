"""Data API: reading a device's telemetry back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.http import Api, RequestContext
from iotsphere import bootstrap
from iotsphere.domain.identity.roles import Permission
from iotsphere.domain.telemetry import DEVICE_ID_PATTERN, METRIC_NAME_PATTERN
from iotsphere.domain.telemetry_query import MAX_LIMIT, WINDOW_PATTERN, Aggregation, SeriesPoint
from iotsphere.domain.timestamps import IsoDateTime
from iotsphere.services.telemetry_query import build_query, read_telemetry

api = Api(tag="telemetry", description="Readings devices sent, raw or aggregated per window")
bp = api.blueprint


class DevicePath(BaseModel):
    device_id: str = Field(pattern=DEVICE_ID_PATTERN.pattern, max_length=128)


class TelemetryParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metric: str = Field(pattern=METRIC_NAME_PATTERN.pattern, description="a metric name")
    start: IsoDateTime | None = Field(default=None, description="ISO 8601; default: 1 h ago")
    end: IsoDateTime | None = Field(default=None, description="ISO 8601; default: now")
    window: str | None = Field(
        default=None, pattern=WINDOW_PATTERN.pattern, description="aggregate per window, e.g. 5m"
    )
    aggregation: Aggregation = Field(default="mean", description="used with window")
    limit: int = Field(default=1000, ge=1, le=MAX_LIMIT, description="most points returned")


class TelemetrySeries(BaseModel):
    device_id: str
    metric: str
    window: str | None
    aggregation: Aggregation | None
    points: list[SeriesPoint] = Field(description="newest first")


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
    now = datetime.now(tz=UTC)
    checked = build_query(
        device_id=path.device_id,
        metric=query.metric,
        start=query.start or (query.end or now) - timedelta(hours=1),
        end=query.end or now,
        window=query.window,
        aggregation=query.aggregation,
        limit=query.limit,
    )
    points = read_telemetry(bootstrap.telemetry_store(), checked)
    return TelemetrySeries(
        device_id=checked.device_id,
        metric=checked.metric,
        window=checked.window,
        aggregation=checked.aggregation if checked.window else None,
        points=points,
    )
