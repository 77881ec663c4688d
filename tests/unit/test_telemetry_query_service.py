"""Reading telemetry back through the services: always the caller's devices, bounded answers."""

from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.devices.device import Device
from iotsphere.domain.telemetry import Reading
from iotsphere.services.devices.errors import NotFoundError
from iotsphere.services.errors import InvalidQueryError
from iotsphere.services.telemetry_access import DeviceSelection
from iotsphere.services.telemetry_query import (
    build_query,
    export_csv,
    read_fleet_aggregate,
    read_latest,
    read_telemetry,
)
from tests.fakes import FakeTelemetryStore
from tests.unit.devices.fakes import FakeDevices

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
EVERY = DeviceSelection()


def device(device_id, org="org1", groups=()):
    return Device(
        id=device_id,
        org_id=org,
        name=device_id,
        device_type="pump",
        groups=list(groups),
        status_changed_at=T0,
        created_at=T0,
    )


@pytest.fixture
def devices():
    fake = FakeDevices()
    fake.add([device("p-001", groups=["a"]), device("p-002", groups=["a"]), device("p-003")])
    fake.add([device("x-001", org="org2", groups=["a"])])
    return fake


@pytest.fixture
def store():
    fake = FakeTelemetryStore()
    for device_id, base in (("p-001", 10.0), ("p-002", 20.0), ("p-003", 30.0), ("x-001", 99.0)):
        fake.write(
            [
                Reading(device_id=device_id, ts=T0 + timedelta(minutes=i), metrics={"t": base + i})
                for i in range(3)
            ]
        )
    return fake


def series(device_id="p-001", **extra):
    return build_query(
        device_id=device_id, metric="t", start=T0, end=T0 + timedelta(hours=1), **extra
    )


def test_a_series_of_another_organizations_device_is_not_found(devices, store):
    assert [p.value for p in read_telemetry("org1", series(), devices, store)] == [12, 11, 10]
    with pytest.raises(NotFoundError):
        read_telemetry("org1", series("x-001"), devices, store)


def test_latest_by_id_lists_ids_that_are_not_the_callers(devices, store):
    found = read_latest("org1", ["t"], ["p-002", "x-001"], EVERY, (None, 100), devices, store)
    assert [(v.device_id, v.value) for v in found.values] == [("p-002", 22.0)]
    assert found.unknown_device_ids == ["x-001"]


def test_latest_by_id_with_a_selection_too_is_refused(devices, store):
    with pytest.raises(InvalidQueryError, match="not both"):
        read_latest(
            "org1", ["t"], ["p-001"], DeviceSelection(groups=["a"]), (None, 9), devices, store
        )


def test_latest_of_a_selection_comes_a_page_at_a_time(devices, store):
    first = read_latest("org1", ["t"], [], EVERY, (None, 2), devices, store)
    assert sorted(v.device_id for v in first.values) == ["p-001", "p-002"]
    rest = read_latest("org1", ["t"], [], EVERY, (first.next_cursor, 2), devices, store)
    assert [v.device_id for v in rest.values] == ["p-003"]
    assert rest.next_cursor is None


def test_fleet_aggregates_cover_only_the_callers_devices_of_the_group(devices, store):
    params = {"metric": "t", "start": T0, "end": T0 + timedelta(hours=1), "window": "1h"}
    covered, (window,) = read_fleet_aggregate(
        "org1", DeviceSelection(groups=["a"]), params, devices, store
    )
    assert covered == 2
    assert (window.min, window.max, window.count) == (10.0, 22.0, 6)
    assert store.fleet_queries[-1].device_ids == ("p-001", "p-002")


def test_a_fleet_selection_of_no_devices_reads_nothing(devices, store):
    params = {"metric": "t", "start": T0, "end": T0 + timedelta(hours=1), "window": "1h"}
    assert read_fleet_aggregate("org1", DeviceSelection(groups=["z"]), params, devices, store) == (
        0,
        [],
    )
    assert store.fleet_queries == []


@pytest.mark.parametrize("selection", [EVERY, DeviceSelection(groups=["none"])])
def test_a_fleet_query_that_breaks_a_rule_is_invalid_whatever_it_selects(devices, store, selection):
    params = {"metric": "t", "start": T0, "end": T0 - timedelta(hours=1), "window": "1h"}
    with pytest.raises(InvalidQueryError, match="end must be after start"):
        read_fleet_aggregate("org1", selection, params, devices, store)


def test_csv_export_is_oldest_first_with_a_header(devices, store):
    export = export_csv("org1", series(), devices, store)
    assert export.text.splitlines() == [
        "time,device_id,metric,value",
        "2026-11-26T12:00:00Z,p-001,t,10.0",
        "2026-11-26T12:01:00Z,p-001,t,11.0",
        "2026-11-26T12:02:00Z,p-001,t,12.0",
    ]
    assert (export.rows, export.capped, export.resume_at) == (3, False, None)


def test_csv_export_stops_at_the_row_cap_and_says_where_to_resume(devices, store):
    export = export_csv("org1", series(), devices, store, max_rows=2)
    assert (export.rows, export.capped) == (2, True)
    assert export.resume_at == T0 + timedelta(minutes=1, milliseconds=1)


def test_csv_export_of_windows_resumes_after_the_last_window(devices, store):
    export = export_csv("org1", series(window="1m", aggregation="max"), devices, store, max_rows=1)
    assert export.resume_at == T0 + timedelta(minutes=1)


def test_csv_export_stops_before_the_body_grows_too_large(devices, store):
    export = export_csv("org1", series(), devices, store, max_bytes=80)
    assert (export.rows, export.capped) == (1, True)


def test_csv_cells_a_spreadsheet_would_run_are_quoted_as_text(devices):
    store = FakeTelemetryStore()
    store.write([Reading(device_id="p-001", ts=T0, metrics={"t": "=HYPERLINK(1,2)"})])
    export = export_csv("org1", series(), devices, store)
    assert export.text.splitlines()[1] == '2026-11-26T12:00:00Z,p-001,t,"\'=HYPERLINK(1,2)"'


def test_csv_export_of_another_organizations_device_is_not_found(devices, store):
    with pytest.raises(NotFoundError):
        export_csv("org1", series("x-001"), devices, store)
