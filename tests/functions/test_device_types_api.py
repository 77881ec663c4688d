"""Device types over HTTP: operators make and change them, everyone in the organization reads."""

import pytest

from iotsphere.domain.devices.messages import ConfigPatch
from iotsphere.services.devices.configuration import update_desired
from tests.functions.device_support import OTHER_ORG, THERMO, call, device_ports, onboard, problem

__all__ = ["device_ports"]

PUMP = {
    "id": "pump",
    "name": "Pump",
    "firmware_family": "pump-fw",
    "config_schema": {
        "type": "object",
        "properties": {"rpm": {"type": "integer", "minimum": 0, "maximum": 3000}},
    },
    "default_config": {"rpm": 1200},
    "metrics": [{"name": "pressure", "unit": "bar", "minimum": 0, "maximum": 16}],
    "templates": {"idle": {"rpm": 0}},
}


def test_an_operator_creates_a_type_that_viewers_read_back(client, device_ports):
    created = call(client, "POST", "/v1/device-types", body=PUMP)
    assert created.status_code == 201, created.body
    assert created.json_body["metrics"][0]["unit"] == "bar"
    assert "org_id" not in created.json_body
    read = call(client, "GET", "/v1/device-types/pump", role="viewer")
    assert read.status_code == 200
    assert read.json_body == created.json_body
    listed = call(client, "GET", "/v1/device-types", role="viewer")
    assert [t["id"] for t in listed.json_body["items"]] == ["pump", "thermo"]


def test_the_same_type_id_twice_is_a_conflict(client, device_ports):
    response = call(client, "POST", "/v1/device-types", body={**PUMP, "id": "thermo"})
    assert response.status_code == 409
    assert "thermo" in problem(response)["detail"]


def test_a_default_that_breaks_the_schema_is_refused_with_the_reason(client, device_ports):
    response = call(
        client, "POST", "/v1/device-types", body={**PUMP, "default_config": {"rpm": -1}}
    )
    assert response.status_code == 422
    assert "default_config breaks config_schema" in problem(response)["detail"]


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"org_id": "org2"}, 422, "body.org_id: Extra inputs are not permitted"),
        ({"firmware_family": "other"}, 422, "body.firmware_family"),
        ({"config_schema": {"type": "object", "pattern": "x"}}, 422, "pattern"),
    ],
)
def test_changes_that_break_a_rule_are_422(client, device_ports, change, status, message):
    response = call(client, "PATCH", "/v1/device-types/thermo", body=change)
    assert response.status_code == status
    assert message in problem(response)["detail"]


def test_a_change_of_name_and_metrics_is_kept(client, device_ports):
    change = {"name": "Thermostat v2", "metrics": [{"name": "humidity", "unit": "%"}]}
    response = call(client, "PATCH", "/v1/device-types/thermo", body=change)
    assert response.status_code == 200, response.body
    assert response.json_body["name"] == "Thermostat v2"
    assert device_ports.types.get("org1", "thermo").metrics[0].name == "humidity"


def test_a_schema_that_its_devices_configuration_breaks_is_refused(client, device_ports):
    device_id = onboard(device_ports, "t1").device_id
    update_desired("org1", device_id, ConfigPatch(patch={"interval_s": 600}), "test", device_ports)
    properties = {
        "interval_s": {"type": "integer", "maximum": 100},
        "mode": {"type": "string"},
        "net": {"type": "object", "additionalProperties": True},
    }
    narrower = {"type": "object", "properties": properties}
    response = call(client, "PATCH", "/v1/device-types/thermo", body={"config_schema": narrower})
    assert response.status_code == 422
    assert "1 devices' configuration would break it" in problem(response)["detail"]


def test_another_organizations_type_is_not_found(client, device_ports):
    device_ports.types.rows.pop(("org1", "thermo"))
    assert device_ports.types.get(OTHER_ORG, THERMO.id) is not None
    assert call(client, "GET", "/v1/device-types/thermo", role="viewer").status_code == 404
    assert call(client, "PATCH", "/v1/device-types/thermo", body={"name": "x"}).status_code == 404


def test_viewers_cannot_create_or_change_types(client, device_ports):
    assert call(client, "POST", "/v1/device-types", role="viewer", body=PUMP).status_code == 403
    response = call(client, "PATCH", "/v1/device-types/thermo", role="viewer", body={"name": "x"})
    assert response.status_code == 403
    assert device_ports.types.get("org1", "pump") is None


def test_without_a_credential_it_is_401(client, device_ports):
    assert call(client, "GET", "/v1/device-types", role="").status_code == 401


def test_malformed_input_is_400(client, device_ports):
    assert call(client, "GET", "/v1/device-types/Not%20A%20Slug", role="viewer").status_code == 400
    response = client.http.post(
        "/v1/device-types",
        headers={"Authorization": "Bearer operator", "Content-Type": "application/json"},
        body=b"{not json",
    )
    assert response.status_code == 400
