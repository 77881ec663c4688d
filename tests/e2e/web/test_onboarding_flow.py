"""The onboarding wizard in the browser: the operator creates a device and downloads its
provisioning package, and the downloaded file is enough for the device to connect."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from tests.e2e.web.devices import Onboarded, OnlineDevice, wait_for_status
from tests.e2e.web.harness import FlowRunner, WebOrganization

pytestmark = pytest.mark.e2e


def test_the_downloaded_package_connects_the_device_the_wizard_created(
    flows: FlowRunner, web_org: WebOrganization, tmp_path: Path
) -> None:
    name = f"Web Boiler {uuid.uuid4().hex[:6]}"
    result = flows.run(
        "onboarding", device_type=web_org.device_type, device_name=name, download_dir=tmp_path
    )
    result.assert_clean()
    facts = result.facts
    device_id = facts["device_id"]
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    assert facts["file_name"] == f"{slug}-{device_id}.provisioning.json"
    package = json.loads(Path(facts["package_path"]).read_text())
    assert package["device_id"] == device_id
    assert package["password"]
    assert package["password"] not in facts["storage"]
    assert facts["viewer_buttons"] == []

    device = web_org.org.viewer.get(f"/v1/devices/{device_id}").json()
    assert (device["name"], device["device_type"]) == (name, web_org.device_type)
    assert (sorted(device["tags"]), device["groups"]) == (["floor-2", "web-e2e"], ["north"])
    assert device["metadata"] == {"site": "Ghent", "installer": "ACME"}
    with OnlineDevice(Onboarded(name, web_org.device_type, package)):
        wait_for_status(web_org.org.viewer, device_id, "online")
