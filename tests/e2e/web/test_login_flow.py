"""Signing in and out in the browser, as the admin and as the viewer, against the real API."""

from __future__ import annotations

import pytest

from tests.e2e.web.devices import Onboarded
from tests.e2e.web.harness import FlowRunner, WebOrganization

pytestmark = pytest.mark.e2e


def test_the_admin_lands_on_the_devices_and_signing_out_ends_the_session(
    flows: FlowRunner, web_org: WebOrganization, new_device: Onboarded
) -> None:
    result = flows.run("login", device_name=new_device.name)
    result.assert_clean()
    facts = result.facts

    api_names = [d["name"] for d in web_org.org.admin.get("/v1/devices").json()["items"]]
    assert sorted(facts["admin"]["listed"]) == sorted(api_names)
    assert new_device.name in facts["admin"]["listed"]

    refresh = web_org.org.admin.post(
        "/v1/auth/refresh", json={"refresh_token": facts["admin_refresh_token"]}
    )
    assert refresh.status_code == 401, refresh.text  # the sign-out ended it on the server too

    onboard = {name for name in facts["admin"]["controls"] if name.startswith("Onboard")}
    assert onboard, facts["admin"]["controls"]  # the admin may onboard devices
    assert new_device.name in facts["viewer"]["listed"]
    viewer_controls = set(facts["viewer"]["controls"])
    assert viewer_controls < set(facts["admin"]["controls"])  # the same screen, minus edits
    assert not onboard & viewer_controls
