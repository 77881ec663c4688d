"""Commands over HTTP: sent at once to an online device, kept for an offline one, idempotent by
key, listed and read back; one command to many devices."""

import json
from datetime import UTC, datetime

import pytest

from iotsphere.domain.devices.messages import NewCommand, StatusMessage
from iotsphere.services.devices.commands import send_command
from iotsphere.services.devices.connections import record_status
from tests.functions.device_support import ORG, OTHER_ORG, call, device_ports, onboard, problem

__all__ = ["device_ports"]

REBOOT = {"name": "reboot", "parameters": {"delay_s": 5}, "ttl_s": 600}


def bring_online(device_ports, device_id):
    birth = StatusMessage(state="online", session="s1")
    record_status(device_id, birth, datetime(2026, 11, 27, 3, 0, tzinfo=UTC), device_ports)


@pytest.fixture
def online(device_ports):
    device_id = onboard(device_ports, "t1", tags=["roof"]).device_id
    bring_online(device_ports, device_id)
    return device_id


def commands_sent(device_ports):
    """The command topics published to (a birth may also send the configuration)."""
    return [topic for topic, _, _ in device_ports.channel.published if "/commands/" in topic]


def commands_path(device_id):
    return f"/v1/devices/{device_id}/commands"


def test_a_command_to_an_online_device_is_sent_at_once(client, device_ports, online):
    response = call(client, "POST", commands_path(online), body=REBOOT)
    assert response.status_code == 201, response.body
    command = response.json_body
    assert command["state"] == "SENT"
    assert command["expires_at"] == "2026-11-27T03:10:00Z"
    (payload,) = device_ports.channel.on(f"devices/{online}/commands/{command['id']}")
    assert json.loads(payload)["parameters"] == {"delay_s": 5}


def test_a_command_to_an_offline_device_waits(client, device_ports):
    device_id = onboard(device_ports, "t1").device_id
    response = call(client, "POST", commands_path(device_id), body=REBOOT)
    assert response.json_body["state"] == "CREATED"
    assert device_ports.channel.published == []
    bring_online(device_ports, device_id)
    read = call(client, "GET", f"/v1/commands/{response.json_body['id']}", role="viewer")
    assert read.json_body["state"] == "SENT"


def test_the_same_idempotency_key_returns_the_first_command_and_sends_once(
    client, device_ports, online
):
    body = {**REBOOT, "idempotency_key": "reboot-after-patch"}
    first = call(client, "POST", commands_path(online), body=body)
    again = call(client, "POST", commands_path(online), body=body)
    assert again.json_body["id"] == first.json_body["id"]
    assert commands_sent(device_ports) == [f"devices/{online}/commands/{first.json_body['id']}"]


def test_the_same_key_for_another_command_is_409(client, device_ports, online):
    call(client, "POST", commands_path(online), body={**REBOOT, "idempotency_key": "k1"})
    other = {**REBOOT, "parameters": {"delay_s": 60}, "idempotency_key": "k1"}
    response = call(client, "POST", commands_path(online), body=other)
    assert response.status_code == 409
    assert "was used for another command" in problem(response)["detail"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({**REBOOT, "ttl_s": 0}, "body.ttl_s"),
        ({**REBOOT, "ttl_s": 8 * 24 * 3600}, "body.ttl_s"),
        ({**REBOOT, "name": "Re Boot"}, "body.name"),
        ({**REBOOT, "state": "SUCCEEDED"}, "body.state: Extra inputs are not permitted"),
        ({**REBOOT, "parameters": {"a.b": 1}}, "member name"),
    ],
)
def test_a_command_that_breaks_a_rule_is_422(client, device_ports, online, body, message):
    response = call(client, "POST", commands_path(online), body=body)
    assert response.status_code == 422
    assert message in problem(response)["detail"]
    assert device_ports.commands.rows == {}


def test_a_decommissioned_device_takes_no_commands(client, device_ports, online):
    call(client, "POST", f"/v1/devices/{online}/decommission")
    response = call(client, "POST", commands_path(online), body=REBOOT)
    assert response.status_code == 422
    assert "decommissioned" in problem(response)["detail"]


def test_a_broker_that_is_down_is_503_and_the_command_waits(client, device_ports, online):
    device_ports.channel.down = True
    response = call(client, "POST", commands_path(online), body=REBOOT)
    assert response.status_code == 503
    assert [c.state.value for c in device_ports.commands.rows.values()] == ["CREATED"]


def test_commands_are_listed_newest_first(client, device_ports, online):
    for delay in (1, 2, 3):
        device_ports.clock.advance(1)
        call(client, "POST", commands_path(online), body={**REBOOT, "parameters": {"d": delay}})
    listed = call(client, "GET", commands_path(online), role="viewer", limit="2")
    assert listed.status_code == 200
    assert [c["parameters"]["d"] for c in listed.json_body["items"]] == [3, 2]
    assert call(client, "GET", commands_path(online), "viewer", limit="201").status_code == 400


def test_one_command_to_many_devices_answers_per_device(client, device_ports, online):
    waiting = onboard(device_ports, "t2", tags=["roof"]).device_id
    theirs = onboard(device_ports, "t3", org=OTHER_ORG, tags=["roof"]).device_id
    body = {"target": {"tags": ["roof"], "device_ids": [theirs]}, "command": REBOOT}
    response = call(client, "POST", "/v1/bulk/commands", body=body)
    assert response.status_code == 200, response.body
    outcomes = {o["device_id"]: (o["outcome"], o["state"]) for o in response.json_body["outcomes"]}
    assert outcomes == {
        online: ("created", "SENT"),
        waiting: ("created", "CREATED"),
        theirs: ("not_found", None),
    }
    assert all(c.org_id == ORG for c in device_ports.commands.rows.values())


def test_many_commands_are_read_at_once_in_the_order_asked(client, device_ports, online):
    sent = [
        call(client, "POST", commands_path(online), body={**REBOOT, "parameters": {"d": d}})
        for d in (1, 2, 3)
    ]
    ids = [r.json_body["id"] for r in sent]
    theirs = onboard(device_ports, "t9", org=OTHER_ORG).device_id
    other = send_command(OTHER_ORG, theirs, NewCommand(**REBOOT), device_ports).id
    asked = [ids[2], other, ids[0], "c0000000000", ids[2]]
    read = call(client, "GET", "/v1/commands", role="viewer", ids=asked)
    assert read.status_code == 200, read.body
    assert [c["id"] for c in read.json_body["items"]] == [ids[2], ids[0]]
    assert [c["parameters"]["d"] for c in read.json_body["items"]] == [3, 1]
    assert read.json_body["items"][0]["state"] == "SENT"
    assert read.json_body["missing"] == [other, "c0000000000"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "query.ids"),
        ({"ids": "NOT-AN-ID"}, "query.ids.0"),
        ({"ids": [f"c{i:09d}" for i in range(201)]}, "query.ids"),
        ({"ids": "c000000001", "device": "x"}, "query.device: unknown parameter"),
    ],
)
def test_a_malformed_read_of_many_commands_is_400(client, device_ports, query, message):
    response = call(client, "GET", "/v1/commands", role="viewer", **query)
    assert response.status_code == 400
    assert message in problem(response)["detail"]


def test_reading_many_commands_needs_a_credential(client, device_ports):
    assert call(client, "GET", "/v1/commands", role="", ids="c000000001").status_code == 401


def test_another_organizations_commands_are_not_found(client, device_ports):
    theirs = onboard(device_ports, "t1", org=OTHER_ORG).device_id
    bring_online(device_ports, theirs)
    assert call(client, "POST", commands_path(theirs), body=REBOOT).status_code == 404
    assert call(client, "GET", commands_path(theirs), role="viewer").status_code == 404
    assert commands_sent(device_ports) == []
    command = send_command(OTHER_ORG, theirs, NewCommand(**REBOOT), device_ports)
    assert call(client, "GET", f"/v1/commands/{command.id}", role="viewer").status_code == 404


def test_viewers_send_no_commands(client, device_ports, online):
    assert call(client, "POST", commands_path(online), "viewer", REBOOT).status_code == 403
    bulk = {"target": {"device_ids": [online]}, "command": REBOOT}
    assert call(client, "POST", "/v1/bulk/commands", "viewer", bulk).status_code == 403
    assert device_ports.commands.rows == {}


def test_no_credential_is_401_and_a_bad_command_id_is_400(client, device_ports, online):
    assert call(client, "POST", commands_path(online), role="", body=REBOOT).status_code == 401
    assert call(client, "GET", "/v1/commands/NOT-AN-ID", role="viewer").status_code == 400
