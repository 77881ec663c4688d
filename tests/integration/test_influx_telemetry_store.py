"""The InfluxDB adapter against the real InfluxDB 1.x of the test stack."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.adapters.influx_telemetry import InfluxTelemetryStore
from iotsphere.domain.telemetry import Reading
from iotsphere.domain.telemetry_query import (
    DevicesSeriesQuery,
    FleetQuery,
    LatestQuery,
    TelemetryQuery,
)
from iotsphere.services.errors import InvalidQueryError

pytestmark = pytest.mark.integration

BASE = datetime.now(tz=UTC).replace(microsecond=0) - timedelta(minutes=30)


@pytest.fixture
def store(settings):
    return InfluxTelemetryStore.from_settings(settings)


@pytest.fixture
def device():
    return f"it-{uuid.uuid4().hex[:10]}"


def readings(device, count, **extra):
    return [
        Reading(
            device_id=device,
            ts=BASE + timedelta(seconds=i),
            seq=i,
            metrics={"t": float(i), **extra},
        )
        for i in range(count)
    ]


def query(device, **kwargs):
    return TelemetryQuery(
        device_id=device,
        metric="t",
        start=BASE - timedelta(minutes=1),
        end=BASE + timedelta(hours=1),
        **kwargs,
    )


def test_written_readings_read_back_newest_first(store, device):
    assert store.write(readings(device, 10)) == []
    points = store.query(query(device))
    assert [p.value for p in points] == [float(i) for i in reversed(range(10))]
    assert points[0].time == BASE + timedelta(seconds=9)


def test_writing_the_same_readings_twice_stores_them_once(store, device):
    store.write(readings(device, 5))
    store.write(readings(device, 5))
    (count,) = store.query(query(device, window="1h", aggregation="count"))
    assert count.value == 5


def test_series_of_many_devices_come_per_device_newest_first_each_capped(store, device):
    other, silent = f"{device}-b", f"{device}-c"
    store.write(readings(device, 10) + readings(other, 3))
    found = store.series(
        DevicesSeriesQuery(
            device_ids=(device, other, silent),
            metric="t",
            start=BASE + timedelta(seconds=1),
            end=BASE + timedelta(seconds=9),
            limit_per_device=5,
        )
    )
    assert set(found) == {device, other}
    assert [p.value for p in found[device]] == [8.0, 7.0, 6.0, 5.0, 4.0]
    assert [p.value for p in found[other]] == [2.0, 1.0]
    assert found[other][0].time == BASE + timedelta(seconds=2)


def test_windows_aggregate(store, device):
    store.write(readings(device, 120))
    points = store.query(query(device, window="1m", aggregation="max"))
    assert sorted(p.value for p in points)[-1] == 119.0


def test_a_field_type_conflict_refuses_that_reading_only(store, device):
    field = f"mode{uuid.uuid4().hex[:8]}"  # a field's type is the measurement's: keep it private
    store.write([Reading(device_id=device, ts=BASE, metrics={field: 1.0})])
    mixed = [
        Reading(device_id=device, ts=BASE + timedelta(seconds=1), metrics={field: "auto"}),
        Reading(device_id=device, ts=BASE + timedelta(seconds=2), metrics={field: 2.0}),
    ]
    refused = store.write(mixed)
    assert [r.ts for r, _ in refused] == [BASE + timedelta(seconds=1)]
    assert "conflict" in refused[0][1]


def test_query_values_cannot_inject(store, device):
    store.write(readings(device, 3))
    hostile = device + "' OR device_id =~ /.*/ --"
    with pytest.raises(ValueError, match="device_id"):
        query(hostile)
    points = store.query(query(device))
    assert len(points) == 3


def test_oldest_first_reads_from_the_start_of_the_range(store, device):
    store.write(readings(device, 10))
    points = store.query(query(device, oldest_first=True, limit=3))
    assert [p.value for p in points] == [0.0, 1.0, 2.0]


def test_latest_values_of_many_devices_come_in_one_request(store, device):
    other = device + "-b"
    store.write(readings(device, 5, h=50.0))
    store.write(readings(other, 3))
    latest = store.latest(
        LatestQuery(device_ids=(device, other, device + "-none"), metrics=("t", "h"))
    )
    found = {(v.device_id, v.metric): (v.time, v.value) for v in latest}
    assert found == {
        (device, "t"): (BASE + timedelta(seconds=4), 4.0),
        (device, "h"): (BASE + timedelta(seconds=4), 50.0),
        (other, "t"): (BASE + timedelta(seconds=2), 2.0),
    }


def test_fleet_windows_aggregate_over_the_named_devices_only(store, device):
    other, outsider = device + "-b", device + "-x"
    store.write(readings(device, 60))  # t = 0..59 in the first minute
    store.write(readings(other, 60))
    store.write([Reading(device_id=outsider, ts=BASE, metrics={"t": 1000.0})])
    windows = store.fleet(
        FleetQuery(
            device_ids=(device, other),
            metric="t",
            start=BASE,
            end=BASE + timedelta(minutes=1),
            window="1m",  # BASE is not on a minute: two windows
        )
    )
    assert [w.time for w in windows] == sorted((w.time for w in windows), reverse=True)
    assert sum(w.count for w in windows) == 120
    assert min(w.min for w in windows) == 0.0
    assert max(w.max for w in windows) == 59.0


def test_an_aggregation_a_text_metric_has_not_is_an_invalid_query(store, device):
    field = f"mode{uuid.uuid4().hex[:8]}"
    store.write([Reading(device_id=device, ts=BASE, metrics={field: "auto"})])
    fleet = FleetQuery(
        device_ids=(device,), metric=field, start=BASE, end=BASE + timedelta(minutes=1), window="1m"
    )
    with pytest.raises(InvalidQueryError, match="aggregation"):
        store.fleet(fleet)


def test_device_ids_of_a_latest_query_are_bound_not_spliced(store, device):
    store.write(readings(device, 2))
    hostile = device + "' OR device_id =~ /.*/ --"
    with pytest.raises(ValueError, match="device_ids"):
        LatestQuery(device_ids=(hostile,), metrics=("t",))
    odd_but_valid = device + ".x:y"  # allowed characters only, still never text in InfluxQL
    assert store.latest(LatestQuery(device_ids=(odd_but_valid,), metrics=("t",))) == []
