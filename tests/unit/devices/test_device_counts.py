"""Counting an organization's devices by status for the fleet overview."""

from datetime import UTC, datetime

from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.services.devices.counts import count_devices
from tests.unit.devices.builders import ORG, OTHER_ORG, onboard

AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def set_status(ports, device_id, status, seen=True):
    stored = ports.devices.rows[device_id]
    ports.devices.rows[device_id] = stored.model_copy(
        update={"status": status, "first_seen": AT if seen else None}
    )


def test_devices_count_by_status_and_never_seen_counts_only_the_live_ones(ports):
    onboard(ports, "new")
    set_status(ports, onboard(ports, "on1").device_id, DeviceStatus.ONLINE)
    set_status(ports, onboard(ports, "on2").device_id, DeviceStatus.ONLINE)
    set_status(ports, onboard(ports, "off").device_id, DeviceStatus.OFFLINE)
    set_status(ports, onboard(ports, "ok").device_id, DeviceStatus.VERIFIED, seen=False)
    set_status(ports, onboard(ports, "gone").device_id, DeviceStatus.DECOMMISSIONED, seen=False)
    set_status(ports, onboard(ports, "theirs", org=OTHER_ORG).device_id, DeviceStatus.ONLINE)

    counts = count_devices(ORG, ports)

    assert counts.model_dump(exclude={"version"}) == {
        "provisioned": 1,
        "verified": 1,
        "online": 2,
        "offline": 1,
        "decommissioned": 1,
        "never_seen": 2,
        "total": 6,
    }


def test_an_organization_without_devices_counts_zero_everywhere(ports):
    onboard(ports, "theirs", org=OTHER_ORG)
    counts = count_devices(ORG, ports)
    assert counts.total == counts.never_seen == counts.provisioned == 0
