"""Organizations made the way set-up makes them, with users invited through the API, for tests
that cross organizations and roles."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from iotsphere.domain.identity.requests import NewOrganization
from iotsphere.services.identity.organizations import create_organization
from iotsphere.services.identity.ports import IdentityPorts
from iotsphere.services.identity.throttling import address_key
from tests.e2e.api.client import ApiClient, Organization

PASSWORD = "correct horse battery staple"


def new_organization(identity: IdentityPorts, api: ApiClient, name: str) -> Organization:
    """An organization made the way set-up makes one, then users invited through the API."""
    email = f"admin-{uuid.uuid4().hex[:10]}@example.com"
    new = NewOrganization(name=name, admin_email=email)
    org, _, password = create_organization(new, identity, datetime.now(tz=UTC))
    admin = api.as_bearer(login(api, identity, email, password))
    members = {}
    for role in ("operator", "viewer"):
        invited = admin.post(
            "/v1/invitations",
            json={"email": f"{role}-{uuid.uuid4().hex[:10]}@example.com", "role": role},
        )
        assert invited.status_code == 201, invited.text
        accepted = api.post(
            "/v1/invitations/accept",
            json={"token": invited.json()["token"], "display_name": role, "password": PASSWORD},
        )
        assert accepted.status_code == 201, accepted.text
        members[role] = api.as_bearer(accepted.json()["access_token"])
    return Organization(org.id, admin, members["operator"], members["viewer"], email, password)


def login(api: ApiClient, identity: IdentityPorts, email: str, password: str) -> str:
    """Every test request comes from 127.0.0.1, whose failed logins (the fuzzer's, the throttling
    test's) would otherwise lock every later sign-in of the session out."""
    identity.login_attempts.clear(address_key("127.0.0.1"))
    answer = api.post("/v1/auth/login", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])
