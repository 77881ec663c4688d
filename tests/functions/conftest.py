"""The Chalice test client on the app, as every function test drives it, and callers of each role.

HTTP routes authenticate through ``chalicelib.http.security``; these tests swap it for a table of
tokens (``Bearer viewer`` …) so that each test picks its caller by role. The identity services
themselves are tested in tests/unit/identity and against the real stack.
"""

from collections.abc import Iterator

import pytest
from chalice.test import Client

from chalicelib.http import security
from iotsphere import bootstrap
from iotsphere.domain.identity.audit import AuditEntry
from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.roles import Role
from iotsphere.services.identity.errors import AuthenticationError

ORG = "org1"
TOKENS = {f"Bearer {role.value}": role for role in Role}


def auth(role: Role | str) -> dict[str, str]:
    """Headers of a caller with ``role`` in organization ``ORG``."""
    return {"Authorization": f"Bearer {Role(role).value}"}


@pytest.fixture
def audit_log(monkeypatch) -> list[AuditEntry]:
    """What the routes write to the audit log (the log itself is tested against MongoDB)."""
    entries: list[AuditEntry] = []
    monkeypatch.setattr(security, "record_audit", lambda entry, ports: entries.append(entry))
    monkeypatch.setattr(bootstrap, "identity_ports", lambda: None)
    return entries


@pytest.fixture
def callers(monkeypatch, audit_log) -> None:
    def authenticate(header: str | None, client_address: str) -> Principal:
        if header not in TOKENS:
            raise AuthenticationError("missing or invalid credential")
        role = TOKENS[header]
        return Principal(
            org_id=ORG,
            subject_id=f"{role.value}-1",
            kind="user",
            role=role,
            client_address=client_address,
        )

    monkeypatch.setattr(security, "authenticate", authenticate)


@pytest.fixture
def client(callers) -> Iterator[Client]:
    from app import app

    with Client(app) as test_client:
        yield test_client
