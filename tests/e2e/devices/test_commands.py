"""Commands through the real parts: answered by an online device, kept for an offline one until it
connects, expired when the TTL passes first, and never run twice for one idempotency key."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from iotsphere.services.devices.commands import expire_overdue
from iotsphere.services.devices.ports import DevicePorts
from tests.e2e.api.client import Organization
from tests.e2e.devices.conftest import Fleet
from tests.e2e.devices.lifecycle import Device, command_of, ok, wait_command, wait_status

pytestmark = pytest.mark.e2e


def send(org: Organization, device: Device, n: int, **fields: object) -> dict:
    body = {"name": "ping", "parameters": {"n": n}, **fields}
    return ok(org.operator.post(f"/v1/devices/{device.id}/commands", json=body), 201)  # type: ignore[no-any-return]


def online(org: Organization, device: Device) -> None:
    device.start()
    wait_status(org.viewer, device.id, "online")


def offline(org: Organization, device: Device) -> None:
    device.stop()
    wait_status(org.viewer, device.id, "offline")


def test_an_online_device_answers_and_an_offline_one_gets_its_command_when_it_connects(
    org: Organization, device_type: str, fleet: Fleet
) -> None:
    device = fleet.onboard(device_type)
    online(org, device)
    done = wait_command(org.viewer, send(org, device, 1)["id"], "SUCCEEDED")
    assert done["result"] == {"pong": 1}

    offline(org, device)
    waiting = send(org, device, 2)
    assert waiting["state"] == "CREATED"
    assert command_of(org.viewer, waiting["id"])["state"] == "CREATED"
    online(org, device)
    assert wait_command(org.viewer, waiting["id"], "SUCCEEDED")["result"] == {"pong": 2}
    assert device.runs == {1: 1, 2: 1}


def test_a_command_whose_ttl_passes_while_the_device_is_away_expires_and_never_runs(
    org: Organization, device_type: str, fleet: Fleet, device_ports: DevicePorts
) -> None:
    device = fleet.onboard(device_type)
    online(org, device)
    offline(org, device)
    late = send(org, device, 3, ttl_s=1)
    wait_until_past(late["expires_at"])
    expire_overdue(device_ports)  # what the every-minute schedule calls (it may have, first)
    assert command_of(org.viewer, late["id"])["state"] == "EXPIRED"

    online(org, device)
    marker = send(org, device, 4)  # sent after the expired one would have been
    wait_command(org.viewer, marker["id"], "SUCCEEDED")
    assert device.runs == {4: 1}
    assert command_of(org.viewer, late["id"])["state"] == "EXPIRED"


def test_the_same_idempotency_key_never_runs_twice(
    org: Organization, device_type: str, fleet: Fleet
) -> None:
    device = fleet.onboard(device_type)
    offline_first = send(org, device, 5, idempotency_key=f"once-{device.id}")
    again = send(org, device, 5, idempotency_key=f"once-{device.id}")
    assert again["id"] == offline_first["id"]
    online(org, device)
    wait_command(org.viewer, offline_first["id"], "SUCCEEDED")
    after = send(org, device, 5, idempotency_key=f"once-{device.id}")
    assert (after["id"], after["state"]) == (offline_first["id"], "SUCCEEDED")
    other = org.operator.post(
        f"/v1/devices/{device.id}/commands",
        json={"name": "ping", "parameters": {"n": 6}, "idempotency_key": f"once-{device.id}"},
    )
    assert other.status_code == 409, other.text
    marker = send(org, device, 7)
    wait_command(org.viewer, marker["id"], "SUCCEEDED")
    assert device.runs == {5: 1, 7: 1}
    listed = ok(org.viewer.get(f"/v1/devices/{device.id}/commands"))["items"]
    assert sorted(c["parameters"]["n"] for c in listed) == [5, 7]


def wait_until_past(expires_at: str) -> None:
    deadline = datetime.fromisoformat(expires_at).timestamp()
    time.sleep(max(0.0, deadline - time.time()) + 0.2)
