"""Alarms through the HTTP routes: listing, reading, and what people do to them, with every way a
request can fail."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from iotsphere.domain.alerting.alarm_lifecycle import raise_alarm
from iotsphere.domain.alerting.transitions import AlarmStatus, from_ms
from iotsphere.services.errors import StoreUnavailableError
from tests.functions.alert_fakes import OTHER_ORG, install_alert_fakes, locations, problem, send
from tests.functions.conftest import ORG
from tests.unit.alerting.rules import T0, make_rule

ABOVE = {"type": "threshold", "op": "above", "set": 80, "clear": 75}


@pytest.fixture
def fakes(monkeypatch):
    found = install_alert_fakes(monkeypatch)
    for org in (ORG, OTHER_ORG):
        found.rules.save(make_rule(ABOVE, org_id=org, name=f"hot pump of {org}"))
    return found


def raised(fakes, device_id, minute, org=ORG, severity="major"):
    rule = make_rule(ABOVE, org_id=org, severity=severity)
    at = from_ms(T0) + timedelta(minutes=minute)
    alarm, _ = raise_alarm(None, rule, device_id, at, 90.0, now=at)
    fakes.alarms.save([alarm])
    return alarm.id


@pytest.fixture
def alarm_id(fakes):
    return raised(fakes, "pump-1", 0)


@pytest.fixture
def theirs(fakes):
    return raised(fakes, "pump-9", 0, org=OTHER_ORG)


def test_open_alarms_are_listed_latest_first_a_page_at_a_time(client, fakes, theirs):
    ids = [raised(fakes, f"pump-{n}", n) for n in range(1, 4)]
    send(client, "POST", f"/v1/alarms/{ids[0]}/clear")
    first = send(client, "GET", "/v1/alarms?limit=1", role="viewer")
    assert first.status_code == 200, first.body
    assert [a["id"] for a in first.json_body["items"]] == [ids[2]]
    cursor = first.json_body["next_cursor"]
    rest = send(client, "GET", f"/v1/alarms?limit=5&cursor={cursor}", role="viewer").json_body
    assert ([a["id"] for a in rest["items"]], rest["next_cursor"]) == ([ids[1]], None)
    everything = send(client, "GET", "/v1/alarms?status=any", role="viewer").json_body
    assert [a["id"] for a in everything["items"]] == [ids[2], ids[1], ids[0]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=cleared", ["cleared"]),
        ("status=active", ["critical", "major"]),
        ("severity=critical", ["critical"]),
        ("device_id=pump-2", ["critical"]),
        ("rule_id=r1&status=any", ["critical", "major", "cleared"]),
        ("rule_id=r2", []),
    ],
)
def test_alarms_are_filtered_by_status_severity_device_and_rule(client, fakes, query, expected):
    cleared = raised(fakes, "pump-1", 1)
    raised(fakes, "pump-3", 2)
    raised(fakes, "pump-2", 3, severity="critical")
    send(client, "POST", f"/v1/alarms/{cleared}/clear")
    items = send(client, "GET", f"/v1/alarms?{query}", role="viewer").json_body["items"]
    labels = ["cleared" if a["status"] == "cleared" else a["severity"] for a in items]
    assert labels == expected


def test_alarms_are_filtered_by_when_they_were_raised(client, fakes):
    raised(fakes, "pump-1", 1)
    middle = raised(fakes, "pump-2", 2)
    raised(fakes, "pump-3", 3)
    raised(fakes, "pump-9", 2, org=OTHER_ORG)
    start = (from_ms(T0) + timedelta(minutes=2)).isoformat()
    end = (from_ms(T0) + timedelta(minutes=3)).isoformat()
    query = urlencode({"raised_after": start, "raised_before": end})
    answer = send(client, "GET", f"/v1/alarms?{query}", role="viewer")
    assert answer.status_code == 200, answer.body
    assert [a["id"] for a in answer.json_body["items"]] == [middle]


def test_a_raise_range_that_ends_before_it_starts_is_422_naming_the_parameter(client, fakes):
    query = "raised_after=2026-11-27T10:00:00Z&raised_before=2026-11-27T09:00:00Z"
    answer = send(client, "GET", f"/v1/alarms?{query}", role="viewer")
    assert answer.status_code == 422, answer.body
    assert "query.raised_after" in problem(answer)["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "status=gone",
        "severity=bad",
        "limit=0",
        "limit=101",
        "device_id=a%20b",
        "org_id=org2",
        "cursor=%24where",
        "raised_after=yesterday",
        "raised_before=1795716000",
        "raised_after=2026-11-27T10:00:00",
    ],
)
def test_a_malformed_alarm_query_is_400(client, fakes, query):
    answer = send(client, "GET", f"/v1/alarms?{query}", role="viewer")
    assert answer.status_code == 400, answer.body
    problem(answer)


@pytest.mark.parametrize("cursor", ["abc", "WyJub3QgYSB0aW1lIiwgImExIl0="])
def test_a_well_formed_cursor_this_listing_did_not_hand_out_is_422(client, fakes, cursor):
    answer = send(client, "GET", f"/v1/alarms?cursor={cursor}", role="viewer")
    assert answer.status_code == 422
    assert "cursor" in problem(answer)["detail"]


def test_one_alarm_is_read_with_its_comments(client, fakes, alarm_id):
    send(client, "POST", f"/v1/alarms/{alarm_id}/comments", {"text": "valve replaced"})
    answer = send(client, "GET", f"/v1/alarms/{alarm_id}", role="viewer")
    assert answer.status_code == 200
    alarm = answer.json_body
    assert (alarm["id"], alarm["org_id"], alarm["status"]) == (alarm_id, ORG, "active")
    assert [(c["by"], c["text"]) for c in alarm["comments"]] == [("operator-1", "valve replaced")]


def test_one_alarm_is_read_with_its_transitions_even_when_they_cannot_be_read(
    client, fakes, alarm_id
):
    send(client, "POST", f"/v1/alarms/{alarm_id}/ack")
    send(client, "POST", f"/v1/alarms/{alarm_id}/assign", {"assignee": "0190a1b2c3d4e5f6"})
    alarm = send(client, "GET", f"/v1/alarms/{alarm_id}", role="viewer").json_body
    assert sorted(t["kind"] for t in alarm["transitions"]) == ["acknowledged", "assigned"]
    assert {t["by"] for t in alarm["transitions"]} == {"operator-1"}
    fakes.events.down = True
    answer = send(client, "GET", f"/v1/alarms/{alarm_id}", role="viewer")
    assert answer.status_code == 200
    assert (answer.json_body["transitions"], answer.json_body["status"]) == (None, "acknowledged")


def test_acknowledging_names_the_caller_and_a_second_acknowledgement_is_409(
    client, fakes, alarm_id
):
    first = send(client, "POST", f"/v1/alarms/{alarm_id}/ack")
    assert first.status_code == 200, first.body
    assert (first.json_body["status"], first.json_body["acknowledged_by"]) == (
        "acknowledged",
        "operator-1",
    )
    second = send(client, "POST", f"/v1/alarms/{alarm_id}/ack", role="admin")
    assert second.status_code == 409
    assert "already acknowledged by operator-1" in problem(second)["detail"]
    assert fakes.alarms.saved[alarm_id].acknowledged_by == "operator-1"
    (message,) = map(json.loads, fakes.notifications.bodies)
    assert message["rule_name"] == f"hot pump of {ORG}"


def test_of_two_concurrent_acknowledgements_one_wins_and_the_other_is_409(client, fakes, alarm_id):
    load = fakes.alarms.load

    def load_while_someone_else_acknowledges(org_id, ids):
        found = load(org_id, ids)
        fakes.alarms.load = load  # the other operator's request reads before this one saves
        assert send(client, "POST", f"/v1/alarms/{alarm_id}/ack", role="admin").status_code == 200
        return found

    fakes.alarms.load = load_while_someone_else_acknowledges
    loser = send(client, "POST", f"/v1/alarms/{alarm_id}/ack")
    assert loser.status_code == 409
    problem(loser)
    assert fakes.alarms.saved[alarm_id].acknowledged_by == "admin-1"
    assert len(fakes.notifications.bodies) == 1


def test_an_acknowledgement_the_queue_refuses_is_saved_with_its_notification_pending(
    client, fakes, alarm_id
):
    def refuse(bodies):
        raise StoreUnavailableError("SQS send failed")

    fakes.notifications.publish = refuse
    answer = send(client, "POST", f"/v1/alarms/{alarm_id}/ack")
    assert answer.status_code == 200, answer.body
    assert answer.json_body["acknowledged_by"] == "operator-1"
    assert [t["kind"] for t in answer.json_body["outbox"]] == ["acknowledged"]
    assert fakes.alarms.saved[alarm_id].outbox[0].key == answer.json_body["outbox"][0]["key"]
    read = send(client, "GET", f"/v1/alarms/{alarm_id}", role="viewer")
    assert [t["kind"] for t in read.json_body["outbox"]] == ["acknowledged"]


def test_an_alarm_is_cleared_by_hand_once(client, fakes, alarm_id):
    cleared = send(client, "POST", f"/v1/alarms/{alarm_id}/clear")
    assert cleared.status_code == 200
    assert (cleared.json_body["status"], cleared.json_body["acknowledged"]) == ("cleared", False)
    (kept,) = fakes.log.kept.values()
    assert (kept.kind, kept.by, kept.note) == ("cleared", "operator-1", "cleared by hand")
    again = send(client, "POST", f"/v1/alarms/{alarm_id}/clear")
    assert again.status_code == 409
    assert "already cleared" in problem(again)["detail"]


def test_an_alarm_is_assigned_and_unassigned(client, fakes, alarm_id):
    path = f"/v1/alarms/{alarm_id}/assign"
    assigned = send(client, "POST", path, {"assignee": "0190a1b2c3d4e5f6"})
    assert (assigned.status_code, assigned.json_body["assignee"]) == (200, "0190a1b2c3d4e5f6")
    nobody = send(client, "POST", path, {"assignee": None})
    assert (nobody.status_code, nobody.json_body["assignee"]) == (200, None)


@pytest.mark.parametrize(
    ("suffix", "body", "location"),
    [
        ("assign", {"assignee": "Not An Id"}, "body.assignee"),
        ("assign", {}, "body.assignee"),
        ("assign", {"assignee": None, "by": "someone-else"}, "body.by"),
        ("comments", {"text": ""}, "body.text"),
        ("comments", {"text": "x" * 2001}, "body.text"),
        ("comments", {"text": "ok", "at": "2020-01-01T00:00:00Z"}, "body.at"),
    ],
)
def test_a_body_that_breaks_the_rules_is_422(client, fakes, alarm_id, suffix, body, location):
    answer = send(client, "POST", f"/v1/alarms/{alarm_id}/{suffix}", body)
    assert answer.status_code == 422
    assert location in locations(answer)
    assert fakes.log.kept == {}


@pytest.mark.parametrize("raw", ["{", "null", '{"text": {"$gt": ""}}'])
def test_a_malformed_comment_is_400(client, fakes, alarm_id, raw):
    assert send(client, "POST", f"/v1/alarms/{alarm_id}/comments", raw).status_code == 400


def test_a_comment_is_201_and_kept_with_its_author(client, fakes, alarm_id):
    answer = send(client, "POST", f"/v1/alarms/{alarm_id}/comments", {"text": "on my way"})
    assert answer.status_code == 201
    assert answer.json_body["comments"][-1]["by"] == "operator-1"


ACTIONS = [
    ("POST", "ack", None),
    ("POST", "clear", None),
    ("POST", "assign", {"assignee": None}),
    ("POST", "comments", {"text": "hello"}),
]


@pytest.mark.parametrize(("method", "suffix", "body"), ACTIONS)
def test_another_organizations_alarm_is_404(client, fakes, theirs, method, suffix, body):
    assert send(client, "GET", f"/v1/alarms/{theirs}").status_code == 404
    answer = send(client, method, f"/v1/alarms/{theirs}/{suffix}", body)
    assert answer.status_code == 404
    assert fakes.alarms.saved[theirs].revision == 1
    assert theirs not in {a["id"] for a in send(client, "GET", "/v1/alarms").json_body["items"]}


@pytest.mark.parametrize(("method", "suffix", "body"), ACTIONS)
def test_a_viewer_cannot_act_and_nobody_without_a_credential(
    client, fakes, alarm_id, method, suffix, body
):
    assert (
        send(client, method, f"/v1/alarms/{alarm_id}/{suffix}", body, "viewer").status_code == 403
    )
    assert send(client, method, f"/v1/alarms/{alarm_id}/{suffix}", body, None).status_code == 401
    assert fakes.alarms.saved[alarm_id].status is AlarmStatus.ACTIVE
    assert fakes.alarms.saved[alarm_id].comments == []


def test_reading_needs_a_credential(client, fakes, alarm_id):
    assert send(client, "GET", "/v1/alarms", role=None).status_code == 401
    assert send(client, "GET", f"/v1/alarms/{alarm_id}", role=None).status_code == 401


def test_an_alarm_id_that_cannot_exist_is_400(client, fakes):
    answer = send(client, "POST", "/v1/alarms/not-a-digest/ack")
    assert answer.status_code == 400
    assert "path.alarm_id" in problem(answer)["detail"]
