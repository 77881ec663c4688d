"""Subscriptions, the delivery log and the in-app feed through the HTTP routes, on fakes; each
caller picked by role (tests/functions/conftest.py)."""

import json
from datetime import UTC, datetime

import pytest

from chalicelib import inbox_api, subscriptions_api
from iotsphere.services.notifications.deliver import send_notifications
from iotsphere.services.notifications.errors import DeliveryFailedError
from tests.functions.conftest import ORG, auth
from tests.unit.notifications.factories import message, subscription
from tests.unit.notifications.fakes import NotifyFakes

HOOK = {"type": "webhook", "url": "https://hooks.example.com/iot"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def fakes(monkeypatch):
    found = NotifyFakes()
    monkeypatch.setattr(subscriptions_api, "ports", found.ports)
    monkeypatch.setattr(inbox_api, "ports", found.ports)
    return found


def post(client, path, body, role="viewer"):
    return client.http.post(path, headers={**auth(role), **JSON}, body=json.dumps(body))


def put(client, path, body, role="viewer"):
    return client.http.put(path, headers={**auth(role), **JSON}, body=json.dumps(body))


def created(client, role="viewer", **body):
    response = post(client, "/v1/subscriptions", {"name": "mine", "channel": HOOK, **body}, role)
    assert response.status_code == 201, response.json_body
    return response.json_body


def test_create_returns_the_secret_once_and_never_again(client, fakes):
    body = created(client)
    secret = body["secret"]
    assert secret.startswith("whsec_")
    sub_id = body["subscription"]["id"]
    assert body["subscription"]["subscriber"] == {"kind": "user", "id": "viewer-1"}
    for response in (
        client.http.get(f"/v1/subscriptions/{sub_id}", headers=auth("viewer")),
        client.http.get("/v1/subscriptions", headers=auth("viewer")),
        put(client, f"/v1/subscriptions/{sub_id}", {"name": "again", "channel": HOOK}),
    ):
        assert response.status_code == 200
        assert secret not in response.body.decode()
    assert fakes.subscriptions.get(ORG, sub_id).secret == secret


def test_rotating_shows_a_new_secret_once(client, fakes):
    sub_id = created(client)["subscription"]["id"]
    response = client.http.post(f"/v1/subscriptions/{sub_id}/secret", headers=auth("viewer"))
    assert response.status_code == 200
    assert response.json_body["secret"] == fakes.subscriptions.get(ORG, sub_id).secret


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "x", "channel": {"type": "webhook", "url": "file:///etc/passwd"}}, 422),
        ({"name": "x", "channel": {"type": "carrier-pigeon"}}, 422),
        ({"name": "x", "channel": HOOK, "org_id": "other"}, 422),
        ({"name": "x", "channel": HOOK, "filter": {"rule_ids": {"$ne": None}}}, 400),
        ({"name": "x", "channel": HOOK, "subscriber": {"kind": "team", "id": "ops"}}, 403),
    ],
)
def test_bad_bodies_are_refused_with_problem_details(client, fakes, body, status):
    response = post(client, "/v1/subscriptions", body)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    assert fakes.subscriptions.saved == {}


def test_an_operator_subscribes_a_team_and_sees_everyones(client, fakes):
    created(client, role="operator", subscriber={"kind": "team", "id": "on-call"})
    created(client, role="viewer")
    everyone = client.http.get("/v1/subscriptions", headers=auth("operator")).json_body
    assert len(everyone["items"]) == 2
    mine = client.http.get("/v1/subscriptions", headers=auth("viewer")).json_body
    assert [s["subscriber"]["id"] for s in mine["items"]] == ["viewer-1"]


def test_another_users_or_organizations_subscription_is_not_found(client, fakes):
    fakes.subscriptions.save(subscription("abc123", org_id=ORG))  # belongs to user u1
    fakes.subscriptions.save(
        subscription("def456", org_id="orgb", subscriber={"kind": "user", "id": "viewer-1"})
    )
    for sub_id in ("abc123", "def456", "nosuch"):
        assert (
            client.http.get(f"/v1/subscriptions/{sub_id}", headers=auth("viewer")).status_code
            == 404
        )
        assert (
            client.http.delete(f"/v1/subscriptions/{sub_id}", headers=auth("viewer")).status_code
            == 404
        )
    assert client.http.get("/v1/subscriptions/abc123", headers=auth("operator")).status_code == 200
    assert client.http.get("/v1/subscriptions/def456", headers=auth("admin")).status_code == 404


def test_changing_the_channel_type_is_refused(client, fakes):
    sub_id = created(client)["subscription"]["id"]
    response = put(
        client, f"/v1/subscriptions/{sub_id}", {"name": "x", "channel": {"type": "in_app"}}
    )
    assert response.status_code == 422
    assert "cannot change" in response.json_body["detail"]


def test_delete_then_it_is_gone(client, fakes):
    sub_id = created(client)["subscription"]["id"]
    assert (
        client.http.delete(f"/v1/subscriptions/{sub_id}", headers=auth("viewer")).status_code == 204
    )
    assert client.http.get(f"/v1/subscriptions/{sub_id}", headers=auth("viewer")).status_code == 404


def test_routes_need_a_credential(client, fakes):
    assert client.http.get("/v1/subscriptions").status_code == 401
    assert client.http.get("/v1/inbox").status_code == 401
    assert client.http.get("/v1/deliveries").status_code == 401


def test_the_delivery_log_is_for_operators(client, fakes):
    fakes.subscriptions.save(subscription("abc123", org_id=ORG))
    send_notifications(message(org_id=ORG), fakes.ports(), datetime.now(tz=UTC))
    assert client.http.get("/v1/deliveries", headers=auth("viewer")).status_code == 403
    log = client.http.get("/v1/deliveries?status=delivered", headers=auth("operator"))
    assert log.status_code == 200
    (line,) = log.json_body["items"]
    assert (line["subscription_id"], line["status"], line["attempts"][0]["status_code"]) == (
        "abc123",
        "delivered",
        200,
    )
    assert "secret" not in log.body.decode()
    bad = client.http.get("/v1/deliveries?status=lost", headers=auth("operator"))
    assert bad.status_code == 400


def test_the_inbox_shows_the_callers_feed_and_marks_read(client, fakes):
    fakes.subscriptions.save(
        subscription(
            "abc123",
            org_id=ORG,
            channel={"type": "in_app"},
            subscriber={"kind": "user", "id": "viewer-1"},
        )
    )
    send_notifications(message(org_id=ORG), fakes.ports(), datetime.now(tz=UTC))
    feed = client.http.get("/v1/inbox?unread_only=true", headers=auth("viewer")).json_body
    (item,) = feed["items"]
    assert feed["unread"] == 1
    theirs = client.http.get("/v1/inbox", headers=auth("operator")).json_body
    assert (theirs["items"], theirs["unread"]) == ([], 0)
    other = client.http.post(f"/v1/inbox/{item['id']}/read", headers=auth("operator"))
    assert other.status_code == 404
    read = client.http.post(f"/v1/inbox/{item['id']}/read", headers=auth("viewer"))
    assert read.status_code == 200
    assert read.json_body["read_at"] is not None
    unread = client.http.get("/v1/inbox?unread_only=true", headers=auth("viewer")).json_body
    assert (unread["items"], unread["unread"]) == ([], 0)
    everything = client.http.get("/v1/inbox?limit=1", headers=auth("viewer")).json_body
    assert (len(everything["items"]), everything["unread"]) == (1, 0)
    assert client.http.post("/v1/inbox/not-an-id/read", headers=auth("viewer")).status_code == 400


def test_the_unread_count_leaves_out_another_organizations_items(client, fakes):
    same_user = {"kind": "user", "id": "viewer-1"}
    fakes.subscriptions.save(
        subscription("abc999", org_id="org-elsewhere", channel={"type": "in_app"},
                     subscriber=same_user)
    )  # fmt: skip
    send_notifications(message(org_id="org-elsewhere"), fakes.ports(), datetime.now(tz=UTC))
    assert len(fakes.inbox.items) == 1
    feed = client.http.get("/v1/inbox", headers=auth("viewer")).json_body
    assert (feed["items"], feed["unread"]) == ([], 0)


def test_an_operator_redrives_a_dead_delivery_once(client, fakes):
    fakes.subscriptions.save(subscription("abc123", org_id=ORG))
    fakes.webhook.failures = [DeliveryFailedError("HTTP 410", 410, permanent=True)]
    send_notifications(message(org_id=ORG), fakes.ports(), datetime.now(tz=UTC))
    (dead,) = fakes.deliveries.saved
    path = f"/v1/deliveries/{dead}/retry"
    assert client.http.post(path, headers=auth("viewer")).status_code == 403
    redriven = client.http.post(path, headers=auth("operator"))
    assert redriven.status_code == 200
    assert redriven.json_body["status"] == "retrying"
    assert client.http.post(path, headers=auth("operator")).status_code == 409
    missing = client.http.post(f"/v1/deliveries/{'0' * 32}/retry", headers=auth("operator"))
    assert missing.status_code == 404


def test_an_operator_subscribes_only_users_of_the_organization(client, fakes):
    fakes.users.known.add((ORG, "viewer-1"))
    body = created(client, role="operator", subscriber={"kind": "user", "id": "viewer-1"})
    assert body["subscription"]["subscriber"]["id"] == "viewer-1"
    unknown = {"name": "x", "channel": HOOK, "subscriber": {"kind": "user", "id": "ghost"}}
    response = post(client, "/v1/subscriptions", unknown, role="operator")
    assert response.status_code == 422
    assert response.json_body["errors"][0]["location"] == "body.subscriber.id"
