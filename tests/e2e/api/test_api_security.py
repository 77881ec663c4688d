"""The API against the OWASP API Security Top 10 (2023), on the real stack: object- and
function-level authorization, mass assignment, revocation, throttling, injection, sizes."""

from __future__ import annotations

import re
import time
import uuid

import pytest

from iotsphere.domain.identity.roles import Permission, Role, role_allows
from tests.e2e.api.client import ApiClient, Organization
from tests.e2e.organizations import PASSWORD, login

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def document(api: ApiClient) -> dict:
    answer = api.get("/v1/openapi.json")
    assert answer.status_code == 200
    return answer.json()


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, op in item.items():
            yield method.upper(), path, op


def concrete(path: str) -> str:
    return re.sub(r"{\w+}", "a0000000000000000000", path)


def test_every_protected_route_refuses_a_missing_or_forged_credential(api, document):
    for method, path, op in operations(document):
        if not op["security"]:
            continue
        for header in ({}, {"Authorization": "Bearer forged.token.value"}):
            answer = api.request(method, concrete(path), headers=header, json={})
            assert answer.status_code == 401, (method, path, answer.text)
            assert answer.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPERATOR])
def test_no_role_reaches_a_function_above_it(document, org_a: Organization, role):
    caller = org_a.viewer if role is Role.VIEWER else org_a.operator
    refused = 0
    for method, path, op in operations(document):
        permission = op.get("x-permission")
        if permission is None or role_allows(role, Permission(permission)):
            continue
        answer = caller.request(method, concrete(path), json={})
        assert answer.status_code == 403, (role, method, path, answer.text)
        refused += 1
    assert refused > 0


def test_another_organizations_objects_are_not_found(org_a: Organization, org_b: Organization):
    users_of_a = org_a.admin.get("/v1/users").json()["items"]
    key = org_a.admin.post("/v1/api-keys", json={"name": "a-key", "role": "viewer"}).json()
    invitation = org_a.admin.post(
        "/v1/invitations", json={"email": f"x-{uuid.uuid4().hex[:8]}@example.com", "role": "viewer"}
    ).json()
    for user in users_of_a:
        assert org_b.admin.get(f"/v1/users/{user['id']}").status_code == 404
        assert org_b.admin.delete(f"/v1/users/{user['id']}").status_code == 404
        assert (
            org_b.admin.put(f"/v1/users/{user['id']}/role", json={"role": "viewer"}).status_code
            == 404
        )
    assert org_b.admin.delete(f"/v1/api-keys/{key['key']['id']}").status_code == 404
    invitation_id = invitation["invitation"]["id"]
    assert org_b.admin.delete(f"/v1/invitations/{invitation_id}").status_code == 404
    assert {u["id"] for u in org_b.admin.get("/v1/users").json()["items"]}.isdisjoint(
        {u["id"] for u in users_of_a}
    )
    # and the key still works for its own organization
    assert org_a.admin.as_api_key(key["secret"]).get("/v1/organization").json()["id"] == (
        org_a.org_id
    )


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PATCH", "/v1/me", {"display_name": "x", "role": "admin"}, "body.role"),
        ("PATCH", "/v1/me", {"display_name": "x", "org_id": "other"}, "body.org_id"),
        ("POST", "/v1/api-keys", {"name": "k", "role": "viewer", "org_id": "b"}, "body.org_id"),
        ("POST", "/v1/api-keys", {"name": "k", "role": "viewer", "secret": "s"}, "body.secret"),
        ("PATCH", "/v1/me/preferences", {"units": "metric", "email": "a@b.c"}, "body.email"),
    ],
)
def test_bodies_cannot_set_fields_they_do_not_own(org_a, method, path, body, field):
    answer = org_a.admin.request(method, path, json=body)
    assert answer.status_code == 422, answer.text
    assert field in {e["location"] for e in answer.json()["errors"]}


def test_a_key_is_shown_once_listed_with_its_last_use_and_revocable(org_a: Organization):
    created = org_a.admin.post("/v1/api-keys", json={"name": "ci", "role": "operator"})
    assert created.status_code == 201
    secret, key_id = created.json()["secret"], created.json()["key"]["id"]
    integration = org_a.admin.as_api_key(secret)
    assert integration.get("/v1/organization").status_code == 200
    listed = {k["id"]: k for k in org_a.admin.get("/v1/api-keys?limit=100").json()["items"]}
    assert listed[key_id]["last_used_at"] is not None
    assert secret not in str(listed)
    assert integration.get("/v1/api-keys").status_code == 403  # an operator key manages no keys
    assert org_a.admin.delete(f"/v1/api-keys/{key_id}").status_code == 204
    assert integration.get("/v1/organization").status_code == 401


def test_logout_revokes_the_token_within_a_minute(api: ApiClient, identity, org_a: Organization):
    caller = api.as_bearer(login(api, identity, org_a.admin_email, org_a.admin_password))
    assert caller.get("/v1/me").status_code == 200
    assert caller.post("/v1/auth/logout").status_code == 204
    deadline = time.monotonic() + 60
    while caller.get("/v1/me").status_code == 200:
        assert time.monotonic() < deadline, "the token still works a minute after logout"
        time.sleep(2)


def test_login_is_throttled_per_account(api: ApiClient, org_a: Organization):
    email = f"throttled-{uuid.uuid4().hex[:8]}@example.com"
    invited = org_a.admin.post("/v1/invitations", json={"email": email, "role": "viewer"})
    accept = {"token": invited.json()["token"], "display_name": "t", "password": PASSWORD}
    assert api.post("/v1/invitations/accept", json=accept).status_code == 201
    statuses = [
        api.post("/v1/auth/login", json={"email": email, "password": "wrong password!"}).status_code
        for _ in range(8)
    ]
    assert statuses[0] == 401
    assert statuses[-1] == 429
    throttled = api.post("/v1/auth/login", json={"email": email, "password": "wrong password!"})
    assert int(throttled.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    "body",
    [
        {"email": {"$ne": None}, "password": PASSWORD},
        {"email": "a@b.co", "password": {"$gt": ""}},
        {"email": "a@b.co", "password": PASSWORD, "$where": "1"},
    ],
)
def test_operators_in_a_body_are_refused(api: ApiClient, body):
    answer = api.post("/v1/auth/login", json=body)
    assert answer.status_code == 400
    assert "'$'" in answer.json()["detail"]


def test_an_oversized_body_is_refused(api: ApiClient):
    answer = api.post("/v1/auth/login", json={"email": "a@b.co", "password": "x" * 400_000})
    assert answer.status_code == 413


def test_page_sizes_are_capped(org_a: Organization):
    answer = org_a.admin.get("/v1/users?limit=100000")
    assert answer.status_code == 400
    assert "query.limit" in answer.json()["detail"]


def test_admin_changes_are_in_the_audit_log(org_a: Organization):
    org_a.admin.post("/v1/api-keys", json={"name": "audited", "role": "viewer"})
    org_a.viewer.post("/v1/api-keys", json={"name": "refused", "role": "viewer"})
    entries = org_a.admin.get("/v1/audit?limit=100").json()["items"]
    actions = {(e["action"], e["outcome"]) for e in entries}
    assert ("api_key.create", "success") in actions
    assert any(outcome == "denied" for _, outcome in actions)
    assert all(e["client_address"] for e in entries if e["actor_kind"] != "system")
    assert org_a.operator.get("/v1/audit").status_code == 403
