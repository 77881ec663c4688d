"""Alarm transitions as events in InfluxDB: measurement ``alerts``, line protocol, ms precision.

A point's identity is its tags (organization, alarm, rule, device, kind) and its time, so a
transition written twice overwrites itself. Two different transitions of one kind on one alarm in
the same millisecond (two comments at once) would be one point: the Mongo alarm keeps both.
"""

from __future__ import annotations

from collections.abc import Sequence

import requests
from influxdb import InfluxDBClient
from influxdb.exceptions import InfluxDBClientError, InfluxDBServerError

from iotsphere.adapters.influx_client import influx_client
from iotsphere.adapters.line_protocol import escape_tag, field_value
from iotsphere.domain.alerting.transitions import AlarmTransition, to_ms
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.settings import Settings

MEASUREMENT = "alerts"


def to_alert_line(transition: AlarmTransition) -> str:
    tags = {
        "alarm_id": transition.alarm_id,
        "device_id": transition.device_id,
        "kind": str(transition.kind),
        "org_id": transition.org_id,
        "rule_id": transition.rule_id,
    }
    fields: dict[str, float | bool | str] = {
        "key": transition.key,
        "metric": transition.metric,
        "status": str(transition.status),
        "severity": str(transition.severity),
        "acknowledged": transition.acknowledged,
        "notified": transition.notify,
    }
    optional = {
        "value": transition.value,
        "by": transition.by,
        "note": transition.note,
        "target": transition.target,
        "suppressed": transition.suppressed,
    }
    fields.update({name: value for name, value in optional.items() if value is not None})
    tag_text = ",".join(f"{name}={escape_tag(value)}" for name, value in tags.items())
    field_text = ",".join(f"{name}={field_value(value)}" for name, value in fields.items())
    return (
        f"{MEASUREMENT},{tag_text} {field_text},episode={transition.episode}i "
        f"{to_ms(transition.at)}"
    )


class InfluxAlertEvents:
    def __init__(self, client: InfluxDBClient, database: str) -> None:
        self._client = client
        self._database = database

    @classmethod
    def from_settings(cls, settings: Settings) -> InfluxAlertEvents:
        return cls(influx_client(settings), settings.influx_database)

    def record(self, transitions: Sequence[AlarmTransition]) -> None:
        if not transitions:
            return
        body = "\n".join(to_alert_line(t) for t in transitions)
        try:
            self._client.write(
                body,
                params={"db": self._database, "precision": "ms"},
                expected_response_code=204,
                protocol="line",
            )
        except (requests.RequestException, InfluxDBServerError, InfluxDBClientError) as exc:
            raise StoreUnavailableError(f"InfluxDB alert event write failed: {exc}") from exc
