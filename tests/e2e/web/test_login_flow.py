"""Signing in and out in the browser, as the admin and as the viewer, against the real API: the
device list shows the organization's devices with their live status."""

from __future__ import annotations

import pytest

from iotsphere.services.identity.ports import IdentityPorts
from tests.e2e.api.client import ApiClient
from tests.e2e.web.devices import OnlineDevice, onboard, wait_for_status
from tests.e2e.web.harness import FlowRunner, web_organization

pytestmark = pytest.mark.e2e


def test_the_admin_lands_on_the_devices_and_signing_out_ends_the_session(
    flows: FlowRunner, identity: IdentityPorts, api: ApiClient
) -> None:
    web = web_organization(identity, api, "Web login")  # its own: the list is exactly these
    operator, admin = web.org.operator, web.org.admin
    idle = onboard(operator, web.device_type, "idle")
    gone = onboard(operator, web.device_type, "gone")
    live = onboard(operator, web.device_type, "live")
    with OnlineDevice(gone):
        wait_for_status(admin, gone.id, "online")
    wait_for_status(admin, gone.id, "offline")
    with OnlineDevice(live):
        wait_for_status(admin, live.id, "online")
        result = flows.for_org(web).run("login", device_name=live.name)
        statuses = {d["name"]: d["status"] for d in admin.get("/v1/devices").json()["items"]}
    result.assert_clean()
    facts = result.facts

    assert statuses == {idle.name: "provisioned", gone.name: "offline", live.name: "online"}
    assert facts["admin"]["listed"] == statuses
    assert facts["viewer"]["listed"] == statuses

    refresh = admin.post("/v1/auth/refresh", json={"refresh_token": facts["admin_refresh_token"]})
    assert refresh.status_code == 401, refresh.text  # the sign-out ended it on the server too

    onboarding = {name for name in facts["admin"]["controls"] if name.startswith("Onboard")}
    assert onboarding, facts["admin"]["controls"]  # the admin may onboard devices
    viewer_controls = set(facts["viewer"]["controls"])
    assert viewer_controls < set(facts["admin"]["controls"])  # the same screen, minus edits
    assert not onboarding & viewer_controls

    assert "Decommission" in facts["admin_detail"]
    viewer_detail = set(facts["viewer_detail"])
    assert viewer_detail < set(facts["admin_detail"])  # the device's page, minus edits
    assert "Decommission" not in viewer_detail
