"""A desired configuration changed in the browser reaches the device and comes back reported; a
command sent from the browser runs on the device and its outcome shows."""

from __future__ import annotations

import json
import random

import pytest

from tests.e2e.web.devices import Onboarded, OnlineDevice, wait_for_status
from tests.e2e.web.harness import FlowRunner, WebOrganization

pytestmark = pytest.mark.e2e


def test_a_desired_change_is_reported_and_a_command_succeeds(
    flows: FlowRunner, web_org: WebOrganization, new_device: Onboarded
) -> None:
    viewer = web_org.org.viewer
    interval = random.randint(2, 3000)
    n = random.randint(1, 1000)
    with OnlineDevice(new_device) as device:
        wait_for_status(viewer, device.id, "online")
        result = flows.run(
            "device-configuration",
            device_id=device.id,
            device_name=new_device.name,
            interval=interval,
            ping=n,
        )
    result.assert_clean()
    assert "interval_s" in result.facts["invalid_message"]

    config = viewer.get(f"/v1/devices/{device.id}/config").json()
    assert config["desired"]["interval_s"] == config["reported"]["interval_s"] == interval
    assert config["delta"] == {}
    assert result.facts["reported_interval"] == interval
    assert f"Desired v{config['desired_version']}" in result.facts["versions"]

    (ping,) = viewer.get(f"/v1/devices/{device.id}/commands").json()["items"]
    assert (ping["name"], ping["state"], ping["result"]) == ("ping", "SUCCEEDED", {"pong": n})
    assert json.loads(result.facts["command_result"].split(" ")[0]) == {"pong": n}
    assert "SUCCEEDED" in result.facts["command_states"]
