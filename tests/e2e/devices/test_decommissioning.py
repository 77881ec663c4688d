"""Decommissioning and revoking through the real parts: the live connection is dropped within
60 s, a new one is refused, and the API says so."""

from __future__ import annotations

import pytest

from iotsphere.agent import BrokerConnectionError
from tests.e2e.api.client import Organization
from tests.e2e.devices.conftest import Fleet
from tests.e2e.devices.lifecycle import (
    DROPPED_WITHIN_S,
    Device,
    device_of,
    eventually,
    ok,
    wait_status,
)

pytestmark = pytest.mark.e2e


def dropped(device: Device) -> None:
    eventually(lambda: device.connected(), lambda up: not up, "dropped", DROPPED_WITHIN_S)


def refused(device: Device) -> None:
    again = Device(device.package)
    with pytest.raises(BrokerConnectionError, match="connection refused"):
        again.start()


def test_a_decommissioned_device_is_dropped_refused_and_shown_decommissioned(
    org: Organization, device_type: str, fleet: Fleet
) -> None:
    device = fleet.onboard(device_type)
    device.start()
    wait_status(org.viewer, device.id, "online")
    assert device.connected()
    retired = ok(org.operator.post(f"/v1/devices/{device.id}/decommission"))
    assert retired["status"] == "decommissioned"
    dropped(device)
    refused(device)
    assert device_of(org.viewer, device.id)["status"] == "decommissioned"
    command = org.operator.post(f"/v1/devices/{device.id}/commands", json={"name": "ping"})
    assert command.status_code == 422, command.text
    assert "decommissioned" in command.json()["detail"]


def test_a_revoked_device_is_dropped_and_refused_until_it_gets_new_credentials(
    org: Organization, device_type: str, fleet: Fleet
) -> None:
    device = fleet.onboard(device_type)
    device.start()
    wait_status(org.viewer, device.id, "online")
    assert device.connected()
    assert org.operator.post(f"/v1/devices/{device.id}/credentials/revoke").status_code == 403
    ok(org.admin.post(f"/v1/devices/{device.id}/credentials/revoke"), 204)
    dropped(device)
    refused(device)
    shown = wait_status(org.viewer, device.id, "offline")
    assert shown["connection_history"][-1]["reason"] == "credentials revoked"

    reissued = ok(org.admin.post(f"/v1/devices/{device.id}/credentials"), 201)
    device.stop()
    renewed = fleet.adopt(device.package.model_copy(update={"password": reissued["password"]}))
    renewed.start()
    wait_status(org.viewer, device.id, "online")
