"""Which devices a telemetry read may cover: the registry decides, per organization."""

from datetime import UTC, datetime

import pytest

from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.services.devices.errors import NotFoundError
from iotsphere.services.errors import InvalidQueryError
from iotsphere.services.telemetry_access import (
    DeviceSelection,
    every_device_id,
    owned_device_ids,
    require_device,
    selected_device_ids,
    selected_page,
)
from tests.unit.devices.fakes import FakeDevices

AT = datetime(2026, 11, 1, tzinfo=UTC)


def device(device_id, org="org1", **fields):
    fields.setdefault("device_type", "pump")
    return Device(
        id=device_id, org_id=org, name=device_id, status_changed_at=AT, created_at=AT, **fields
    )


@pytest.fixture
def devices():
    fake = FakeDevices()
    fake.add(
        [
            device("p-001", groups=["hall-a"], tags=["cold"]),
            device("p-002", groups=["hall-a"]),
            device("p-003", groups=["hall-b"], tags=["cold"], device_type="fan"),
            device("p-004", groups=["hall-a"], status=DeviceStatus.DECOMMISSIONED),
            device("x-001", org="org2", groups=["hall-a"]),
        ]
    )
    return fake


def test_another_organizations_device_is_not_found(devices):
    assert require_device("org1", "p-001", devices).id == "p-001"
    with pytest.raises(NotFoundError, match="x-001"):
        require_device("org1", "x-001", devices)


def test_named_ids_split_into_owned_and_unknown_each_once(devices):
    owned, unknown = owned_device_ids("org1", ["p-003", "p-002", "x-001", "p-002", "nope"], devices)
    assert (owned, unknown) == (["p-003", "p-002"], ["x-001", "nope"])


def test_named_ids_cost_one_registry_read_whatever_their_number(devices, monkeypatch):
    """The Data API's "latest of 100 devices" asks the registry once, not once per device."""
    asked = []
    get_many = devices.get_many
    monkeypatch.setattr(devices, "get", lambda *args: pytest.fail("one device at a time"))
    monkeypatch.setattr(devices, "get_many", lambda *args: asked.append(args) or get_many(*args))
    owned, _ = owned_device_ids("org1", [f"p-00{i}" for i in range(1, 10)], devices)
    assert owned == ["p-001", "p-002", "p-003", "p-004"]  # decommissioned ones are still theirs
    assert len(asked) == 1


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (DeviceSelection(), ["p-001", "p-002", "p-003"]),
        (DeviceSelection(groups=["hall-a"]), ["p-001", "p-002"]),
        (DeviceSelection(tags=["cold"]), ["p-001", "p-003"]),
        (DeviceSelection(device_type="fan"), ["p-003"]),
        (DeviceSelection(groups=["hall-a"], tags=["cold"]), ["p-001"]),
        (DeviceSelection(groups=["nowhere"]), []),
    ],
)
def test_a_selection_finds_only_the_callers_active_devices(devices, selection, expected):
    assert selected_device_ids("org1", selection, devices, at_most=10) == expected


def test_a_selection_larger_than_allowed_is_refused(devices):
    with pytest.raises(InvalidQueryError, match="more than 2 devices"):
        selected_device_ids("org1", DeviceSelection(), devices, at_most=2)


def test_selection_pages_follow_their_cursor(devices):
    first, cursor = selected_page("org1", DeviceSelection(), None, 2, devices)
    assert (first, cursor is not None) == (["p-001", "p-002"], True)
    second, last = selected_page("org1", DeviceSelection(), cursor, 2, devices)
    assert (second, last) == (["p-003"], None)


def test_a_cursor_of_another_selection_is_refused(devices):
    _, cursor = selected_page("org1", DeviceSelection(), None, 1, devices)
    with pytest.raises(InvalidQueryError, match=r"query\.cursor"):
        selected_page("org1", DeviceSelection(groups=["hall-a"]), cursor, 1, devices)


def test_every_device_includes_decommissioned_ones_across_pages(devices):
    devices.add([device(f"q-{i:03}") for i in range(450)])
    found = every_device_id("org1", devices)
    assert len(found) == 454
    assert "p-004" in found
    assert "x-001" not in found
