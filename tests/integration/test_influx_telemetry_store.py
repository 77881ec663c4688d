"""The InfluxDB adapter against the real InfluxDB 1.x of the test stack."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.adapters.influx_telemetry import InfluxTelemetryStore
from iotsphere.domain.telemetry import Reading
from iotsphere.domain.telemetry_query import TelemetryQuery

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
