"""The InfluxQL the telemetry store sends: user values only ever travel as bound parameters."""

from datetime import UTC, datetime, timedelta

from iotsphere.adapters.influx_telemetry import (
    build_fleet_influxql,
    build_influxql,
    build_latest_influxql,
)
from iotsphere.domain.telemetry_query import FleetQuery, LatestQuery, TelemetryQuery

T0 = datetime(2026, 11, 26, tzinfo=UTC)
IDS = ("pump-001", "Pump.2:b")


def test_latest_is_one_statement_per_metric_grouped_by_device():
    statement, params = build_latest_influxql(LatestQuery(device_ids=IDS, metrics=("t", "h.x")))
    assert statement == (
        'SELECT last("t") AS value FROM telemetry WHERE (device_id = $d0 OR device_id = $d1) '
        "GROUP BY device_id; "
        'SELECT last("h.x") AS value FROM telemetry WHERE (device_id = $d0 OR device_id = $d1) '
        "GROUP BY device_id"
    )
    assert params == {"d0": "pump-001", "d1": "Pump.2:b"}


def test_fleet_aggregates_per_window_over_bound_devices_and_times():
    query = FleetQuery(
        device_ids=IDS, metric="t", start=T0, end=T0 + timedelta(days=1), window="1h", limit=5
    )
    statement, params = build_fleet_influxql(query)
    assert statement == (
        'SELECT mean("t") AS mean, min("t") AS min, max("t") AS max, count("t") AS count '
        "FROM telemetry WHERE (device_id = $d0 OR device_id = $d1) AND time >= $start "
        "AND time < $end GROUP BY time(1h) fill(none) ORDER BY time DESC LIMIT 5"
    )
    assert params == {
        "d0": "pump-001",
        "d1": "Pump.2:b",
        "start": "2026-11-26T00:00:00Z",
        "end": "2026-11-27T00:00:00Z",
    }


def test_a_series_can_be_read_oldest_first():
    query = TelemetryQuery(
        device_id="p", metric="t", start=T0, end=T0 + timedelta(hours=1), oldest_first=True
    )
    statement, _ = build_influxql(query)
    assert statement.endswith("ORDER BY time ASC LIMIT 1000")


def test_no_user_value_is_spliced_into_the_text():
    for statement, params in (
        build_latest_influxql(LatestQuery(device_ids=IDS, metrics=("t",))),
        build_fleet_influxql(
            FleetQuery(device_ids=IDS, metric="t", start=T0, end=T0 + timedelta(1), window="1d")
        ),
    ):
        assert all(value not in statement for value in params.values())
