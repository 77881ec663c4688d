"""A rollout started in the browser: its first wave's devices (online, with their own
credentials) report the release healthy, the page shows the wave fill, and the operator pauses,
resumes and cancels it there."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from iotsphere.agent.transport import Outgoing
from iotsphere.domain.devices import topics
from tests.e2e.fleet import wait_until
from tests.e2e.web.devices import Onboarded, OnlineDevice, wait_for_status
from tests.e2e.web.harness import FlowRunner, WebOrganization

pytestmark = pytest.mark.e2e

IMAGE = bytes(range(256)) * 32
SIGNING_WAIT_S = 120


@pytest.fixture
def family(web_org: WebOrganization) -> str:
    """A device type of its own firmware family."""
    family = f"webfw-{uuid.uuid4().hex[:8]}"
    kind = {"id": f"{family}-type", "name": "Web firmware test", "firmware_family": family}
    answer = web_org.org.operator.post("/v1/device-types", json=kind)
    assert answer.status_code == 201, answer.text
    return family


@pytest.fixture
def release(web_org: WebOrganization, family: str) -> dict[str, Any]:
    """Version 2.0.0 of the family, uploaded by the admin through a ticket and signed."""
    body = {"firmware_family": family, "version": "2.0.0", "file_name": "web.bin"}
    ticket = web_org.org.admin.post("/v1/firmware/uploads", json=body)
    assert ticket.status_code == 201, ticket.text
    put = requests.put(ticket.json()["upload_url"], data=IMAGE, timeout=30)
    assert put.status_code == 200, put.text
    listed: list[dict[str, Any]] = []

    def signed() -> bool:
        listed[:] = web_org.org.viewer.get(
            "/v1/firmware/releases", params={"firmware_family": family}
        ).json()["items"]
        return bool(listed)

    assert wait_until(signed, SIGNING_WAIT_S), "no release signed (is the runner up?)"
    return dict(listed[0])


@pytest.fixture
def fleet(web_org: WebOrganization, family: str) -> Iterator[tuple[str, dict[str, OnlineDevice]]]:
    """Four devices of the family in a group of their own, online."""
    group = f"g-{uuid.uuid4().hex[:8]}"
    devices = {}
    for i in range(4):
        name, device_type = f"{group}-{i}", f"{family}-type"
        body = {"name": name, "device_type": device_type, "groups": [group]}
        answer = web_org.org.operator.post("/v1/devices", json=body)
        assert answer.status_code == 201, answer.text
        made = Onboarded(name, device_type, answer.json())
        devices[made.id] = OnlineDevice(made).__enter__()
    try:
        for device_id in devices:
            wait_for_status(web_org.org.viewer, device_id, "online")
        yield group, devices
    finally:
        for device in devices.values():
            device.__exit__(None, None, None)


def report_healthy(device: OnlineDevice, rollout_id: str, release_id: str) -> None:
    body = {
        "v": 1,
        "device_id": device.id,
        "rollout_id": rollout_id,
        "release_id": release_id,
        "state": "healthy",
        "running_version": "2.0.0",
        "at": datetime.now(tz=UTC).isoformat().replace("+00:00", "Z"),
    }
    device.transport.publish(Outgoing(topics.firmware_status(device.id), json.dumps(body)))


def test_a_rollout_started_in_the_browser_shows_its_wave_fill_and_is_cancelled(
    flows: FlowRunner,
    web_org: WebOrganization,
    release: dict[str, Any],
    fleet: tuple[str, dict[str, OnlineDevice]],
) -> None:
    group, devices = fleet
    viewer = web_org.org.viewer
    with flows.running(
        "firmware-rollout", deadline_s=180, release_id=release["release_id"], group=group
    ) as flow:
        rollout_id = flow.wait_for("started")["rollout_id"]
        path = f"/v1/firmware/rollouts/{rollout_id}"
        offered = viewer.get(f"{path}/devices", params={"state": "offered"}).json()["items"]
        assert len(offered) == 2
        for item in offered:
            report_healthy(devices[item["device_id"]], rollout_id, release["release_id"])

        def healthy() -> bool:
            found = viewer.get(f"{path}/devices", params={"state": "healthy"}).json()["items"]
            return len(found) == 2

        assert wait_until(healthy, 30), "the reports never made the first wave healthy"
        flow.send("reported")
        result = flow.finish()
    result.assert_clean()

    progress = viewer.get(path).json()
    rollout = progress["rollout"]
    assert (rollout["release_id"], rollout["target"]["groups"]) == (release["release_id"], [group])
    assert rollout["wave_ends"] == [2, 4]
    assert rollout["state"] == "cancelled"
    assert result.facts["states"] == ["paused", "running", "cancelled"]
    assert result.facts["buttons_after"] == []
    assert result.facts["waves_before"][0].startswith("Wave 1 2 targeted · 0 healthy")
    assert result.facts["waves_after"][0].startswith("Wave 1 2 targeted · 2 healthy · 0 failed")
    counted = {state: n for state, n in progress["waves"][0]["devices"].items() if n}
    assert counted == {"healthy": 2}
