"""The Device API on the real stack: a type and a device made through the API, the provisioning
package seen once, search, other organizations kept out, a stale configuration change refused."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.api.client import Organization

pytestmark = pytest.mark.e2e


def new_type(org: Organization) -> str:
    type_id = f"thermo-{uuid.uuid4().hex[:8]}"
    body = {
        "id": type_id,
        "name": "Thermostat",
        "firmware_family": "thermo-fw",
        "config_schema": {
            "type": "object",
            "properties": {"interval_s": {"type": "integer", "minimum": 1, "maximum": 3600}},
        },
        "default_config": {"interval_s": 60},
        "metrics": [{"name": "temperature", "unit": "degC", "minimum": -40, "maximum": 85}],
    }
    answer = org.operator.post("/v1/device-types", json=body)
    assert answer.status_code == 201, answer.text
    return type_id


@pytest.fixture(scope="module")
def onboarded(org_a: Organization) -> dict:
    """A device of a new type in organization A, and the package its creation answered."""
    type_id = new_type(org_a)
    name = f"roof-{uuid.uuid4().hex[:8]}"
    body = {"name": name, "device_type": type_id, "tags": ["roof"], "groups": ["north"]}
    answer = org_a.operator.post("/v1/devices", json=body)
    assert answer.status_code == 201, answer.text
    return {"package": answer.json(), "name": name, "type_id": type_id}


def test_the_package_carries_the_password_and_nothing_else_shows_it(org_a, onboarded):
    package = onboarded["package"]
    device_id = package["device_id"]
    assert package["username"] == package["client_id"] == device_id
    assert len(package["password"]) >= 32
    for path in (f"/v1/devices/{device_id}", f"/v1/devices?name_prefix={onboarded['name']}"):
        answer = org_a.viewer.get(path)
        assert answer.status_code == 200, answer.text
        assert package["password"] not in answer.text
        assert "credential_hash" not in answer.text


def test_search_finds_the_device_by_its_filters(org_a, onboarded):
    device_id = onboarded["package"]["device_id"]
    query = {"device_type": onboarded["type_id"], "tags": "roof", "groups": "north"}
    answer = org_a.viewer.get("/v1/devices", params=query)
    assert answer.status_code == 200, answer.text
    assert [d["id"] for d in answer.json()["items"]] == [device_id]
    assert org_a.viewer.get("/v1/devices", params={"limit": 201}).status_code == 400


def test_a_stale_desired_change_is_409_and_the_newer_one_stays(org_a, onboarded):
    device_id = onboarded["package"]["device_id"]
    path = f"/v1/devices/{device_id}/config/desired"
    first = org_a.operator.patch(path, json={"patch": {"interval_s": 5}, "expected_version": 1})
    assert first.status_code == 200, first.text
    assert first.json()["desired_version"] == 2
    stale = org_a.operator.patch(path, json={"patch": {"interval_s": 9}, "expected_version": 1})
    assert stale.status_code == 409, stale.text
    assert stale.headers["Content-Type"] == "application/problem+json"
    shadow = org_a.viewer.get(f"/v1/devices/{device_id}/config").json()
    assert (shadow["desired"], shadow["desired_version"]) == ({"interval_s": 5}, 2)


def test_another_organization_finds_nothing_of_it(org_a, org_b, onboarded):
    device_id = onboarded["package"]["device_id"]
    base = f"/v1/devices/{device_id}"
    for method, path, body in [
        ("GET", base, None),
        ("PATCH", base, {"name": "taken over"}),
        ("GET", f"{base}/config", None),
        ("PATCH", f"{base}/config/desired", {"patch": {"interval_s": 1}}),
        ("GET", f"{base}/commands", None),
        ("POST", f"{base}/commands", {"name": "reboot"}),
        ("POST", f"{base}/decommission", None),
        ("POST", f"{base}/credentials/revoke", None),
        ("POST", f"{base}/credentials", None),
        ("GET", f"/v1/device-types/{onboarded['type_id']}", None),
    ]:
        answer = org_b.admin.request(method, path, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
    search = org_b.admin.get("/v1/devices", params={"name_prefix": onboarded["name"]})
    assert search.json()["items"] == []
    still = org_a.viewer.get(base).json()
    assert (still["name"], still["status"]) == (onboarded["name"], "provisioned")


def test_a_viewer_onboards_nothing(org_a, onboarded):
    body = {"name": f"v-{uuid.uuid4().hex[:8]}", "device_type": onboarded["type_id"]}
    answer = org_a.viewer.post("/v1/devices", json=body)
    assert answer.status_code == 403, answer.text
    found = org_a.viewer.get("/v1/devices", params={"name_prefix": body["name"]})
    assert found.json()["items"] == []
