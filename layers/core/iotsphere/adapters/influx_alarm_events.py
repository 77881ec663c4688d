"""Reading an alarm's transitions back from InfluxDB measurement ``alerts`` (written by
``influx_alert_events``); the organization and alarm are bound parameters, never query text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import requests
from influxdb import InfluxDBClient
from influxdb.exceptions import InfluxDBClientError, InfluxDBServerError
from pydantic import ValidationError

from iotsphere.adapters.influx_alert_events import MEASUREMENT
from iotsphere.adapters.influx_client import influx_client
from iotsphere.domain.alerting.transitions import AlarmTransition
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.settings import Settings

# Only constants are formatted in; the organization and the alarm are bound parameters.
STATEMENT = (
    f"SELECT * FROM {MEASUREMENT} WHERE org_id = $org AND alarm_id = $alarm "  # noqa: S608
    "ORDER BY time DESC LIMIT {limit}"
)


class InfluxAlarmEvents:
    def __init__(self, client: InfluxDBClient, database: str) -> None:
        self._client = client
        self._database = database

    @classmethod
    def from_settings(cls, settings: Settings) -> InfluxAlarmEvents:
        return cls(influx_client(settings), settings.influx_database)

    def of_alarm(self, org_id: str, alarm_id: str, limit: int) -> list[AlarmTransition]:
        try:
            result = self._client.query(
                STATEMENT.format(limit=int(limit)),
                bind_params={"org": org_id, "alarm": alarm_id},
                database=self._database,
                epoch=None,
            )
        except (requests.RequestException, InfluxDBServerError, InfluxDBClientError) as exc:
            raise StoreUnavailableError(f"InfluxDB alert event read failed: {exc}") from exc
        found = []
        for row in result.get_points():
            transition = _transition(row)
            if transition is not None:
                found.append(transition)
        return found


def _transition(row: dict[str, Any]) -> AlarmTransition | None:
    """A stored point as the transition it was; a point that is not one is left out."""
    fields = {name: value for name, value in row.items() if value is not None and name != "time"}
    try:
        return AlarmTransition.model_validate({**fields, "at": datetime.fromisoformat(row["time"])})
    except (ValidationError, KeyError, TypeError, ValueError):
        return None
