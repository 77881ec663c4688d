import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.domain.devices.errors import InvalidCursorError
from iotsphere.domain.devices.search import MAX_DEVICE_IDS, MAX_PAGE_SIZE, DeviceSearch

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def device(**changes) -> Device:
    base = {
        "id": "dev-0001",
        "org_id": "org1",
        "name": "pump-1",
        "device_type": "pump",
        "created_at": T0,
        "status_changed_at": T0,
    }
    return Device(**base | changes)


@pytest.mark.parametrize(
    ("search", "changes", "expected"),
    [
        ({"name_prefix": "pump"}, {}, True),
        ({"name_prefix": "valve"}, {}, False),
        ({"device_type": "valve"}, {}, False),
        ({"status": ["online"]}, {"status": DeviceStatus.ONLINE}, True),
        ({"status": ["online", "offline"]}, {}, False),
        ({"tags": ["a", "b"]}, {"tags": ["a", "b", "c"]}, True),
        ({"tags": ["a", "b"]}, {"tags": ["a"]}, False),
        ({"groups": ["g1", "g2"]}, {"groups": ["g2"]}, True),
        ({"groups": ["g1"]}, {"groups": ["g2"]}, False),
        ({"firmware_version": "1.2"}, {"firmware_version": "1.2"}, True),
        ({"metadata": {"site": "A"}}, {"metadata": {"site": "A", "x": "y"}}, True),
        ({"metadata": {"site": "A"}}, {"metadata": {"site": "B"}}, False),
        ({"serial": "S1"}, {"serial": "S1"}, True),
        ({"last_seen_after": T0}, {}, False),
        ({"last_seen_after": T0}, {"last_seen": T0}, True),
        ({"last_seen_before": T0}, {"last_seen": T0}, False),
        ({"first_seen_before": T0}, {}, False),
        (
            {"first_seen_after": T0, "first_seen_before": T0 + timedelta(1)},
            {"first_seen": T0},
            True,
        ),
        ({"first_seen_after": T0 + timedelta(1)}, {"first_seen": T0}, False),
        ({}, {"status": DeviceStatus.DECOMMISSIONED}, False),
        ({"include_decommissioned": True}, {"status": DeviceStatus.DECOMMISSIONED}, True),
        ({"status": ["decommissioned"]}, {"status": DeviceStatus.DECOMMISSIONED}, True),
        ({"device_ids": ["dev-0001", "dev-0002"]}, {}, True),
        ({"device_ids": ["dev-0002"]}, {}, False),
    ],
)
def test_filters(search, changes, expected):
    assert DeviceSearch(**search).matches(device(**changes)) is expected


def test_page_size_is_capped():
    with pytest.raises(ValidationError):
        DeviceSearch(limit=MAX_PAGE_SIZE + 1)


def test_device_ids_are_capped_and_must_be_device_ids():
    DeviceSearch(device_ids=[f"dev-{i:04d}" for i in range(MAX_DEVICE_IDS)])
    with pytest.raises(ValidationError, match="device_ids"):
        DeviceSearch(device_ids=[f"dev-{i:04d}" for i in range(MAX_DEVICE_IDS + 1)])
    with pytest.raises(ValidationError, match=r"device_ids\.0"):
        DeviceSearch(device_ids=["Not/An/Id"])


def test_a_cursor_reads_back_the_sort_value_and_id():
    search = DeviceSearch(sort="created_at")
    d = device(created_at=T0 + timedelta(seconds=3))
    assert search.read_cursor(search.cursor_after(d)) == (d.created_at, d.id)
    by_name = DeviceSearch(sort="name")
    assert by_name.read_cursor(by_name.cursor_after(d)) == ("pump-1", "dev-0001")


def test_a_cursor_of_another_search_is_refused():
    cursor = DeviceSearch(tags=["a"]).cursor_after(device())
    with pytest.raises(InvalidCursorError, match="different search"):
        DeviceSearch(tags=["b"]).read_cursor(cursor)


def test_the_page_size_may_change_between_pages():
    cursor = DeviceSearch(limit=5).cursor_after(device())
    assert DeviceSearch(limit=10).read_cursor(cursor)[1] == "dev-0001"


@pytest.mark.parametrize(
    "cursor", ["", "!!!", "e30", "WzEsMiwzXQ", "WyJhIiwgeyIkZ3QiOiAxfSwgImIiXQ"]
)
def test_a_garbled_or_forged_cursor_is_refused(cursor):
    with pytest.raises(InvalidCursorError):
        DeviceSearch().read_cursor(cursor)


def forged(fields: list[object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(fields).encode()).decode().rstrip("=")


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "2026-11-27T03:00:00"])
def test_a_forged_cursor_with_a_time_no_store_can_compare_is_refused(moment):
    search = DeviceSearch()  # the fingerprint is no secret: anyone can compute it
    with pytest.raises(InvalidCursorError):
        search.read_cursor(forged([search.fingerprint, moment, "dev-0001"]))
