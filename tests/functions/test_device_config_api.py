"""Configuration over HTTP: desired changes with versions, reported state, delta, history,
templates and one change applied to many devices."""

import json
from datetime import UTC, datetime

import pytest

from iotsphere.domain.devices.messages import ReportedConfigMessage
from iotsphere.services.devices.configuration import record_report
from tests.functions.device_support import ORG, OTHER_ORG, call, device_ports, onboard, problem

__all__ = ["device_ports"]


@pytest.fixture
def device_id(device_ports):
    return onboard(device_ports, "t1", groups=["north"]).device_id


def desired_on_the_wire(device_ports, device_id):
    return [json.loads(p) for p in device_ports.channel.on(f"devices/{device_id}/config/desired")]


def test_a_new_device_starts_from_its_types_default(client, device_ports, device_id):
    response = call(client, "GET", f"/v1/devices/{device_id}/config", role="viewer")
    assert response.status_code == 200
    assert response.json_body["desired"] == {"interval_s": 60, "mode": "eco"}
    assert response.json_body["desired_version"] == 1
    assert response.json_body["delta"] == {"interval_s": 60, "mode": "eco"}


def test_a_patch_merges_publishes_retained_and_names_its_author(client, device_ports, device_id):
    body = {"patch": {"interval_s": 5, "mode": None}, "expected_version": 1}
    response = call(client, "PATCH", f"/v1/devices/{device_id}/config/desired", body=body)
    assert response.status_code == 200, response.body
    assert response.json_body["desired"] == {"interval_s": 5}
    assert response.json_body["desired_version"] == 2
    (published,) = desired_on_the_wire(device_ports, device_id)
    assert published["desired_version"] == 2
    assert device_ports.channel.published[-1][2] is True  # retained
    (latest, *_) = device_ports.shadows.history(ORG, device_id, "desired", 1)
    assert latest.actor == "user:operator-1"


def test_a_stale_expected_version_is_409_and_changes_nothing(client, device_ports, device_id):
    path = f"/v1/devices/{device_id}/config/desired"
    call(client, "PATCH", path, body={"patch": {"interval_s": 5}, "expected_version": 1})
    stale = call(client, "PATCH", path, body={"patch": {"interval_s": 9}, "expected_version": 1})
    assert stale.status_code == 409
    assert "at version 2, not 1" in problem(stale)["detail"]
    assert device_ports.shadows.get(ORG, device_id).desired["interval_s"] == 5


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"patch": {"interval_s": 0}}, "interval_s"),
        ({"patch": {"colour": "red"}}, "colour"),
        ({"patch": {"a.b": 1}}, "member name"),
        ({"patch": {}, "expected_version": -1}, "body.expected_version"),
        ({"patch": {}, "desired_version": 3}, "Extra inputs are not permitted"),
    ],
)
def test_a_patch_that_breaks_the_schema_is_422(client, device_ports, device_id, body, message):
    response = call(client, "PATCH", f"/v1/devices/{device_id}/config/desired", body=body)
    assert response.status_code == 422
    assert message in problem(response)["detail"]
    assert device_ports.shadows.get(ORG, device_id).desired_version == 1


def test_reported_state_shows_in_the_delta_and_the_history(client, device_ports, device_id):
    report = ReportedConfigMessage(reported_version=1, state={"interval_s": 60, "mode": "boost"})
    record_report(device_id, report, datetime(2026, 11, 27, 3, 1, tzinfo=UTC), device_ports)
    shadow = call(client, "GET", f"/v1/devices/{device_id}/config", role="viewer").json_body
    assert shadow["reported"] == {"interval_s": 60, "mode": "boost"}
    assert shadow["delta"] == {"mode": "eco"}
    path = f"/v1/devices/{device_id}/config/history"
    both = call(client, "GET", path, role="viewer").json_body["items"]
    assert [(r["side"], r["revision"]) for r in both] == [("reported", 1), ("desired", 1)]
    only = call(client, "GET", path, role="viewer", side="desired").json_body["items"]
    assert [r["actor"] for r in only] == ["onboarding"]
    assert call(client, "GET", path, role="viewer", side="both").status_code == 400
    assert call(client, "GET", path, role="viewer", limit="201").status_code == 400


def test_a_template_of_the_type_is_applied_by_name(client, device_ports, device_id):
    path = f"/v1/devices/{device_id}/config/templates/fast"
    response = call(client, "POST", path)
    assert response.status_code == 200
    assert response.json_body["desired"]["interval_s"] == 5
    missing = call(client, "POST", f"/v1/devices/{device_id}/config/templates/slow")
    assert missing.status_code == 422
    assert "no 'slow'" in problem(missing)["detail"]


def test_a_bulk_change_answers_per_device(client, device_ports, device_id):
    second = onboard(device_ports, "t2", groups=["north"]).device_id
    call(client, "PATCH", f"/v1/devices/{second}/config/desired", body={"patch": {"interval_s": 5}})
    theirs = onboard(device_ports, "t3", org=OTHER_ORG, groups=["north"]).device_id
    body = {"target": {"groups": ["north"], "device_ids": [theirs]}, "patch": {"interval_s": 5}}
    response = call(client, "POST", "/v1/bulk/config", body=body)
    assert response.status_code == 200, response.body
    outcomes = {o["device_id"]: o["outcome"] for o in response.json_body["outcomes"]}
    assert outcomes == {device_id: "applied", second: "unchanged", theirs: "not_found"}
    assert device_ports.shadows.get(OTHER_ORG, theirs).desired_version == 1


def test_a_bulk_change_needs_a_patch_or_a_template_and_a_target(client, device_ports, device_id):
    neither = call(client, "POST", "/v1/bulk/config", body={"target": {"groups": ["north"]}})
    assert neither.status_code == 422
    no_target = call(client, "POST", "/v1/bulk/config", body={"target": {}, "patch": {}})
    assert no_target.status_code == 422
    assert "name devices by" in problem(no_target)["detail"]


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "/config", None),
        ("GET", "/config/history", None),
        ("PATCH", "/config/desired", {"patch": {"interval_s": 5}}),
        ("POST", "/config/templates/fast", None),
    ],
)
def test_another_organizations_configuration_is_not_found(
    client, device_ports, method, suffix, body
):
    theirs = onboard(device_ports, "t1", org=OTHER_ORG).device_id
    response = call(client, method, f"/v1/devices/{theirs}{suffix}", "operator", body)
    assert response.status_code == 404
    assert device_ports.shadows.get(OTHER_ORG, theirs).desired_version == 1
    assert device_ports.channel.published == []


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("PATCH", "/config/desired", {"patch": {"interval_s": 5}}),
        ("POST", "/config/templates/fast", None),
    ],
)
def test_viewers_cannot_change_configuration(client, device_ports, device_id, method, suffix, body):
    response = call(client, method, f"/v1/devices/{device_id}{suffix}", "viewer", body)
    assert response.status_code == 403
    bulk = {"target": {"device_ids": [device_id]}, "patch": {"interval_s": 5}}
    assert call(client, "POST", "/v1/bulk/config", "viewer", bulk).status_code == 403
    assert device_ports.shadows.get(ORG, device_id).desired_version == 1


def test_no_credential_is_401(client, device_ports, device_id):
    assert call(client, "GET", f"/v1/devices/{device_id}/config", role="").status_code == 401


def test_a_patch_over_the_body_limit_is_413(client, device_ports, device_id):
    body = {"patch": {"net": {"blob": "x" * 300_000}}}
    response = call(client, "PATCH", f"/v1/devices/{device_id}/config/desired", body=body)
    assert response.status_code == 413


def test_a_template_applied_in_bulk_uses_each_devices_own_type(client, device_ports, device_id):
    plain = {"id": "plain", "name": "Plain", "firmware_family": "plain-fw"}
    assert call(client, "POST", "/v1/device-types", body=plain).status_code == 201
    other = call(client, "POST", "/v1/devices", body={"name": "p1", "device_type": "plain"})
    other_id = other.json_body["device_id"]
    body = {"target": {"device_ids": [device_id, other_id]}, "template": "fast"}
    response = call(client, "POST", "/v1/bulk/config", body=body)
    outcomes = {o["device_id"]: o for o in response.json_body["outcomes"]}
    assert outcomes[device_id]["outcome"] == "applied"
    assert outcomes[device_id]["desired_version"] == 2
    assert outcomes[other_id]["outcome"] == "invalid"
    assert "has no template 'fast'" in outcomes[other_id]["detail"]


def test_a_configuration_over_16_kib_or_nested_too_deep_is_422(client, device_ports, device_id):
    path = f"/v1/devices/{device_id}/config/desired"
    large = call(client, "PATCH", path, body={"patch": {"net": {"blob": "x" * 20_000}}})
    assert large.status_code == 422
    assert "configuration over 16384 characters" in problem(large)["detail"]
    nested: dict = {}
    for _ in range(20):
        nested = {"n": nested}
    deep = call(client, "PATCH", path, body={"patch": {"net": nested}})
    assert deep.status_code == 422
    assert "nested deeper than 16 levels" in problem(deep)["detail"]
    assert device_ports.shadows.get(ORG, device_id).desired_version == 1
