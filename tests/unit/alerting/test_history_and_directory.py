from datetime import UTC, datetime, timedelta

from iotsphere.adapters.influx_alert_events import to_alert_line
from iotsphere.domain.alerting.alarm_lifecycle import raise_alarm
from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.domain.telemetry import Reading
from iotsphere.services.alerting.device_directory import RegistryDeviceDirectory
from iotsphere.services.alerting.history import TelemetryHistory
from tests.fakes import FakeTelemetryStore
from tests.unit.alerting.rules import make_rule
from tests.unit.devices.fakes import FakeDevices as FakeRegistry

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def test_history_pages_back_through_the_store_oldest_first_and_numbers_only():
    store = FakeTelemetryStore()
    store.write(
        [
            Reading(device_id="d1", ts=AT + timedelta(seconds=i), metrics={"t": float(i)})
            for i in range(25)
        ]
        + [
            Reading(device_id="d1", ts=AT + timedelta(seconds=30), metrics={"t": "x"}),
            Reading(device_id="d1", ts=AT + timedelta(seconds=31), metrics={"t": True}),
            Reading(device_id="d2", ts=AT, metrics={"t": 99.0}),
        ]
    )
    history = TelemetryHistory(store, page=10)
    points = history.points("d1", "t", AT + timedelta(seconds=2), AT + timedelta(seconds=40))
    start_ms = int(AT.timestamp() * 1000)
    assert points == [(start_ms + i * 1000, float(i)) for i in range(2, 25)] + [
        (start_ms + 31_000, 1.0)
    ]


def test_history_stops_at_its_point_cap_keeping_the_newest():
    store = FakeTelemetryStore()
    store.write(
        [
            Reading(device_id="d1", ts=AT + timedelta(seconds=i), metrics={"t": float(i)})
            for i in range(30)
        ]
    )
    points = TelemetryHistory(store, page=10, max_points=15).points(
        "d1", "t", AT, AT + timedelta(minutes=1)
    )
    assert [v for _, v in points] == [float(i) for i in range(15, 30)]


def test_windows_of_many_devices_are_one_read_each_device_in_its_own_range():
    store = FakeTelemetryStore()
    store.write(
        [
            Reading(device_id=d, ts=AT + timedelta(seconds=i), metrics={"t": float(i)})
            for d in ("d1", "d2", "d3")
            for i in range(20)
        ]
        + [
            Reading(
                device_id="d2", ts=AT + timedelta(seconds=5, milliseconds=1), metrics={"t": "x"}
            )
        ]
    )
    found = TelemetryHistory(store).windows(
        "t",
        {
            "d1": (AT + timedelta(seconds=2), AT + timedelta(seconds=5)),
            "d2": (AT + timedelta(seconds=4), AT + timedelta(seconds=7)),
            "d4": (AT, AT + timedelta(seconds=7)),
        },
    )
    start_ms = int(AT.timestamp() * 1000)
    assert found == {
        "d1": [(start_ms + i * 1000, float(i)) for i in (2, 3, 4)],
        "d2": [(start_ms + i * 1000, float(i)) for i in (4, 5, 6)],
    }
    (query,) = store.series_queries
    assert set(query.device_ids) == {"d1", "d2", "d4"}


def test_windows_read_at_most_the_store_cap_of_devices_per_read():
    store = FakeTelemetryStore()
    ranges = {f"d{i:03d}": (AT, AT + timedelta(seconds=1)) for i in range(450)}
    TelemetryHistory(store).windows("t", ranges)
    assert [len(q.device_ids) for q in store.series_queries] == [200, 200, 50]


def test_a_device_whose_window_fills_a_page_is_paged_back_alone():
    store = FakeTelemetryStore()
    store.write(
        [
            Reading(device_id=d, ts=AT + timedelta(seconds=i), metrics={"t": float(i)})
            for d, count in (("busy", 25), ("calm", 3))
            for i in range(count)
        ]
    )
    window = (AT, AT + timedelta(minutes=1))
    found = TelemetryHistory(store, page=10).windows("t", {"busy": window, "calm": window})
    assert [v for _, v in found["busy"]] == [float(i) for i in range(25)]
    assert [v for _, v in found["calm"]] == [0.0, 1.0, 2.0]


def device(device_id, org="orga", status=DeviceStatus.ONLINE):
    return Device(
        id=device_id,
        org_id=org,
        name=device_id,
        device_type="pump",
        tags=["north"],
        groups=["plant-1"],
        status=status,
        status_changed_at=AT,
        created_at=AT,
    )


def test_the_directory_maps_registry_devices_and_caches_them_for_its_ttl():
    registry = FakeRegistry()
    registry.add([device("pump1"), device("pump2", status=DeviceStatus.DECOMMISSIONED)])
    clock = [0.0]
    directory = RegistryDeviceDirectory(registry, ttl_s=30, clock=lambda: clock[0])
    found = directory.profiles(["pump1", "pump2", "ghost"])
    assert list(found) == ["pump1"]
    assert (found["pump1"].org_id, found["pump1"].groups, found["pump1"].device_type) == (
        "orga",
        frozenset({"plant-1"}),
        "pump",
    )
    registry.add([device("ghost", org="orgb")])
    assert directory.profiles(["ghost"]) == {}
    clock[0] = 30.0
    assert directory.profiles(["ghost"])["ghost"].org_id == "orgb"
    assert [p.device_id for p in directory.list_profiles("orga", limit=10)] == ["pump1"]


def test_devices_first_seen_together_are_not_read_again_all_at_once():
    """A fleet read in the first batches would otherwise expire in one batch every TTL: a
    thousand registry reads at once, a stall in every device's latency."""
    registry = FakeRegistry()
    ids = [f"pump{i}" for i in range(100)]
    registry.add([device(i) for i in ids])
    reads = []
    locate_many = registry.locate_many
    registry.locate_many = lambda device_ids: reads.extend(device_ids) or locate_many(device_ids)
    clock = [0.0]
    directory = RegistryDeviceDirectory(registry, ttl_s=30, clock=lambda: clock[0])
    directory.profiles(ids)
    read_again = []
    for moment in (14.9, 22.5, 30.0):
        reads.clear()
        clock[0] = moment
        assert len(directory.profiles(ids)) == 100
        read_again.append(len(reads))
    assert read_again[0] == 0  # nothing before half the TTL
    assert 20 <= read_again[1] <= 80  # some of them half-way
    assert read_again[1] + read_again[2] == 100  # and every one by the full TTL, once


def test_the_profiles_a_batch_lacks_are_read_together():
    registry = FakeRegistry()
    registry.add([device(f"pump{i}") for i in range(5)])
    calls = []
    locate_many = registry.locate_many
    registry.locate_many = lambda device_ids: (
        calls.append(sorted(device_ids)) or locate_many(device_ids)
    )
    directory = RegistryDeviceDirectory(registry, ttl_s=30, clock=lambda: 0.0)
    assert len(directory.profiles(["pump0", "pump1"])) == 2
    assert len(directory.profiles(["pump0", "pump2", "pump3", "ghost"])) == 3
    assert calls == [["pump0", "pump1"], ["ghost", "pump2", "pump3"]]


def test_an_alarm_transition_as_an_alerts_line():
    rule = make_rule({"type": "threshold", "op": "above", "set": 80}, org_id="org-a")
    _, (raised,) = raise_alarm(None, rule, "pump,1", AT, 81.5, now=AT)
    line = to_alert_line(raised)
    assert line.startswith(
        f"alerts,alarm_id={raised.alarm_id},device_id=pump\\,1,kind=raised,org_id=org-a,rule_id=r1 "
    )
    assert f'key="{raised.key}"' in line
    assert ",value=81.5," in line
    assert line.endswith(",episode=1i 1795716000000")
