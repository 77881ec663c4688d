"""The claim allowlist over HTTP: admins put serials on it and release claimed ones."""

from datetime import UTC, datetime

import pytest

from iotsphere.services.devices.onboarding import decommission_device
from iotsphere.services.devices.ports import AllowedSerial
from tests.functions.device_support import ORG, OTHER_ORG, call, device_ports, onboard, problem

__all__ = ["device_ports"]

KEY = "A" * 43
ALLOW = {"device_type": "thermo", "serials": ["SN-001", "SN-002"]}


def test_an_admin_allows_serials_for_a_type(client, device_ports):
    response = call(client, "POST", "/v1/claims/serials", role="admin", body=ALLOW)
    assert response.status_code == 201, response.body
    assert response.json_body["items"][0] == {
        "version": 1,
        "serial": "SN-001",
        "device_type": "thermo",
        "device_id": None,
        "claimed_at": None,
    }
    assert device_ports.claims.get("SN-002").org_id == ORG


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({**ALLOW, "serials": ["SN-1", "SN-1"]}, 422, "a serial is listed twice"),
        ({**ALLOW, "serials": []}, 422, "body.serials"),
        ({**ALLOW, "serials": ["no/slash"]}, 422, "body.serials.0"),
        ({**ALLOW, "device_type": "pump"}, 404, "no device type 'pump'"),
        ({**ALLOW, "org_id": OTHER_ORG}, 422, "Extra inputs are not permitted"),
    ],
)
def test_a_bad_allowlist_is_refused_and_nothing_is_allowed(
    client, device_ports, body, status, message
):
    response = call(client, "POST", "/v1/claims/serials", role="admin", body=body)
    assert response.status_code == status
    assert message in problem(response)["detail"]
    assert device_ports.claims.rows == {}


def test_a_serial_on_a_list_already_is_409(client, device_ports):
    call(client, "POST", "/v1/claims/serials", role="admin", body=ALLOW)
    again = {**ALLOW, "serials": ["SN-003", "SN-001"]}
    response = call(client, "POST", "/v1/claims/serials", role="admin", body=again)
    assert response.status_code == 409
    assert device_ports.claims.get("SN-003") is None


def test_operators_and_viewers_cannot_touch_the_allowlist(client, device_ports):
    for role in ("operator", "viewer"):
        response = call(client, "POST", "/v1/claims/serials", role=role, body=ALLOW)
        assert response.status_code == 403
        release = call(client, "POST", "/v1/claims/serials/SN-001/release", role=role)
        assert release.status_code == 403
    assert device_ports.claims.rows == {}


def claimed(device_ports, org=ORG):
    device_id = onboard(device_ports, "SN-001", org=org).device_id
    claims = device_ports.claims
    claims.allow([AllowedSerial(serial="SN-001", org_id=org, device_type="thermo")])
    claims.claim("SN-001", device_id, KEY, datetime(2026, 11, 27, 3, tzinfo=UTC))
    return device_id


def test_a_claimed_serial_is_released_only_after_its_device_is_decommissioned(client, device_ports):
    device_id = claimed(device_ports)
    path = "/v1/claims/serials/SN-001/release"
    early = call(client, "POST", path, role="admin")
    assert early.status_code == 409
    assert f"decommission device {device_id}" in problem(early)["detail"]
    decommission_device(ORG, device_id, device_ports)
    released = call(client, "POST", path, role="admin")
    assert released.status_code == 200
    assert released.json_body["device_id"] is None
    assert device_ports.claims.get("SN-001").device_id is None


def test_another_organizations_serial_is_not_found(client, device_ports):
    device_id = claimed(device_ports, org=OTHER_ORG)
    decommission_device(OTHER_ORG, device_id, device_ports)
    response = call(client, "POST", "/v1/claims/serials/SN-001/release", role="admin")
    assert response.status_code == 404
    assert device_ports.claims.get("SN-001").device_id == device_id


def test_no_credential_is_401_and_a_malformed_serial_is_400(client, device_ports):
    assert call(client, "POST", "/v1/claims/serials", role="", body=ALLOW).status_code == 401
    response = call(client, "POST", "/v1/claims/serials/-bad/release", role="admin")
    assert response.status_code == 400
