"""Data API: reading a device's telemetry back."""

from datetime import UTC, datetime, timedelta
from typing import Any

from chalice.app import BadRequestError, Blueprint, ChaliceViewError

from iotsphere import bootstrap
from iotsphere.services.errors import InvalidQueryError, StoreUnavailableError
from iotsphere.services.telemetry_query import build_query, parse_time, read_telemetry

bp = Blueprint(__name__)


class ServiceUnavailableError(ChaliceViewError):
    STATUS_CODE = 503


@bp.route("/devices/{device_id}/telemetry", methods=["GET"])
def get_device_telemetry(device_id: str) -> dict[str, Any]:
    params = dict(bp.current_request.query_params or {})
    now = datetime.now(tz=UTC)
    try:
        if "metric" not in params:
            raise InvalidQueryError("metric: required (a metric name such as temperature)")
        query = build_query(
            device_id=device_id,
            metric=params["metric"],
            start=parse_time(params["start"], "start")
            if "start" in params
            else now - timedelta(hours=1),
            end=parse_time(params["end"], "end") if "end" in params else now,
            window=params.get("window"),
            aggregation=params.get("aggregation", "mean"),
            limit=params.get("limit", "1000"),
        )
        points = read_telemetry(bootstrap.telemetry_store(), query)
    except InvalidQueryError as exc:
        raise BadRequestError(str(exc)) from exc
    except StoreUnavailableError as exc:
        raise ServiceUnavailableError("telemetry store unavailable, retry shortly") from exc
    return {
        "device_id": device_id,
        "metric": query.metric,
        "window": query.window,
        "aggregation": query.aggregation if query.window else None,
        "points": [point.model_dump(mode="json") for point in points],
    }
