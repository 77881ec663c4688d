"""Quarantined messages belong to whoever's registry holds their device id, decided on reading."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.domain.quarantine import QuarantinedMessage
from iotsphere.services.devices.errors import NotFoundError
from iotsphere.services.errors import InvalidQueryError
from iotsphere.services.quarantine_query import (
    LISTED_PAYLOAD_CHARS,
    QuarantineSearch,
    get_quarantined,
    list_quarantine,
)
from tests.fakes import FakeQuarantine
from tests.unit.devices.fakes import FakeDevices

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
T0_MS = int(T0.timestamp() * 1000)


def device(device_id, org="org1", **fields):
    return Device(
        id=device_id,
        org_id=org,
        name=device_id,
        device_type="pump",
        status_changed_at=T0,
        created_at=T0,
        **fields,
    )


def refused(device_id, minute, reason="payload is not JSON", payload="{"):
    return QuarantinedMessage.of(
        device_id=device_id, received_ms=T0_MS + minute * 60_000, reason=reason, payload=payload
    )


@pytest.fixture
def devices():
    fake = FakeDevices()
    fake.add(
        [
            device("p-001"),
            device("p-002", status=DeviceStatus.DECOMMISSIONED),
            device("x-001", org="org2"),
        ]
    )
    return fake


@pytest.fixture
def store():
    fake = FakeQuarantine()
    fake.put(
        [
            refused("p-001", 0),
            refused("p-001", 1, reason="metric 't' is not a number"),
            refused("p-002", 2),
            refused("x-001", 3),
            refused("nobody-1", 4),
        ]
    )
    return fake


def listed(page):
    return [(m.device_id, m.received_at) for m in page.items]


def test_only_messages_of_the_callers_devices_are_listed_newest_first(devices, store):
    page = list_quarantine("org1", None, QuarantineSearch(), None, devices, store)
    assert listed(page) == [
        ("p-002", T0 + timedelta(minutes=2)),  # decommissioned: its records are still the org's
        ("p-001", T0 + timedelta(minutes=1)),
        ("p-001", T0),
    ]
    assert page.next_cursor is None


def test_a_device_of_another_organization_is_not_found(devices, store):
    with pytest.raises(NotFoundError):
        list_quarantine("org1", "x-001", QuarantineSearch(), None, devices, store)


def test_filters_by_device_time_and_reason(devices, store):
    by_reason = QuarantineSearch(reason_contains="NOT A NUMBER")
    assert len(list_quarantine("org1", "p-001", by_reason, None, devices, store).items) == 1
    window = QuarantineSearch(since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=2))
    assert listed(list_quarantine("org1", None, window, None, devices, store)) == [
        ("p-001", T0 + timedelta(minutes=1))
    ]


def test_until_before_since_is_invalid(devices, store):
    search = QuarantineSearch(since=T0, until=T0 - timedelta(minutes=1))
    with pytest.raises(InvalidQueryError, match="until"):
        list_quarantine("org1", None, search, None, devices, store)


def test_pages_follow_their_cursor(devices, store):
    first = list_quarantine("org1", None, QuarantineSearch(limit=2), None, devices, store)
    rest = list_quarantine(
        "org1", None, QuarantineSearch(limit=2), first.next_cursor, devices, store
    )
    assert len(first.items) == 2
    assert listed(rest) == [("p-001", T0)]
    assert rest.next_cursor is None


@pytest.mark.parametrize("cursor", ["garbage", "WyJ4IiwgMV0"])
def test_a_cursor_not_made_here_is_refused(devices, store, cursor):
    with pytest.raises(InvalidQueryError, match=r"query\.cursor"):
        list_quarantine("org1", None, QuarantineSearch(), cursor, devices, store)


def test_an_organization_without_devices_sees_nothing(devices, store):
    assert list_quarantine("org9", None, QuarantineSearch(), None, devices, store).items == []


def test_listed_payloads_are_cut_and_say_so_the_message_has_all(devices, store):
    big = refused("p-001", 9, payload="x" * (LISTED_PAYLOAD_CHARS + 10))
    store.put([big])
    (item, *_) = list_quarantine("org1", "p-001", QuarantineSearch(), None, devices, store).items
    assert (len(item.payload), item.payload_truncated, item.size) == (
        LISTED_PAYLOAD_CHARS,
        True,
        LISTED_PAYLOAD_CHARS + 10,
    )
    assert get_quarantined("org1", big.id, devices, store).payload == big.payload


def test_one_message_of_another_organization_is_not_found(devices, store):
    theirs = refused("x-001", 3)
    with pytest.raises(NotFoundError):
        get_quarantined("org1", theirs.id, devices, store)
    assert get_quarantined("org2", theirs.id, devices, store) == theirs


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:00-01:00"])
def test_a_forged_cursor_with_a_time_that_has_no_utc_time_is_refused(devices, store, moment):
    cursor = base64.urlsafe_b64encode(json.dumps([moment, "m1"]).encode()).decode()
    with pytest.raises(InvalidQueryError, match=r"query\.cursor"):
        list_quarantine("org1", None, QuarantineSearch(), cursor, devices, store)
