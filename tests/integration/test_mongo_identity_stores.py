"""The identity stores against the real MongoDB-wire server of the test stack: each store's
contract (scoping, uniqueness, compare-and-set), then whole flows through the services."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import MongoClient

from iotsphere.adapters.argon2_password_hasher import Argon2PasswordHasher
from iotsphere.adapters.jwt_token_codec import JwtTokenCodec
from iotsphere.adapters.mongo_identity import ensure_identity_indexes, mongo_identity_ports
from iotsphere.domain.identity.audit import AuditEntry, AuditFilter
from iotsphere.domain.identity.ids import new_id
from iotsphere.domain.identity.paging import PageRequest
from iotsphere.domain.identity.requests import (
    AcceptInvitation,
    InviteUser,
    NewOrganization,
    PasswordChange,
)
from iotsphere.domain.identity.roles import Role
from iotsphere.services.identity.api_keys import create_api_key, list_api_keys, revoke_api_key
from iotsphere.services.identity.audit import list_audit, record_audit
from iotsphere.services.identity.authentication import authenticate
from iotsphere.services.identity.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    ThrottledError,
)
from iotsphere.services.identity.invitations import accept_invitation, invite_user
from iotsphere.services.identity.organizations import bootstrap_first_admin, create_organization
from iotsphere.services.identity.passwords import change_password
from iotsphere.services.identity.sessions import login, logout, refresh
from iotsphere.services.identity.users import list_users

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
ADDRESS = "192.0.2.10"


@pytest.fixture
def database(settings):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    name = f"identity_{uuid.uuid4().hex[:10]}"
    yield client[name]
    client.drop_database(name)
    client.close()


@pytest.fixture
def ports(database):
    ensure_identity_indexes(database)
    return mongo_identity_ports(
        database,
        hasher=Argon2PasswordHasher(time_cost=1, memory_cost_kib=8, parallelism=1),
        tokens=JwtTokenCodec("integration-test-secret-of-32-bytes!"),
    )


def new_org(ports, name="Acme", email="admin@acme.test"):
    return create_organization(NewOrganization(name=name, admin_email=email), ports, NOW)


def admin_principal(ports, email, password):
    pair = login(email, password, ADDRESS, ports, NOW)
    return authenticate(f"Bearer {pair.access_token}", ports, NOW, ADDRESS), pair


def test_first_admin_once_and_emails_unique_across_organizations(ports):
    created = bootstrap_first_admin(ports, NOW)
    assert created is not None
    assert bootstrap_first_admin(ports, NOW) is None
    with pytest.raises(ConflictError):
        new_org(ports, "Globex", "ADMIN@iotsphere.local")
    _, admin, password = created
    principal, _ = admin_principal(ports, admin.email, password)
    assert principal.role is Role.ADMIN


def test_login_refresh_rotation_reuse_and_logout(ports):
    _, admin, password = new_org(ports)
    principal, first = admin_principal(ports, admin.email, password)
    second = refresh(first.refresh_token, ADDRESS, ports, NOW + timedelta(minutes=1))
    with pytest.raises(AuthenticationError, match="used before"):
        refresh(first.refresh_token, ADDRESS, ports, NOW + timedelta(minutes=2))
    with pytest.raises(AuthenticationError, match="session has ended"):
        refresh(second.refresh_token, ADDRESS, ports, NOW + timedelta(minutes=3))
    other, pair = admin_principal(ports, admin.email, password)
    logout(other, ports, NOW)
    with pytest.raises(AuthenticationError):
        refresh(pair.refresh_token, ADDRESS, ports, NOW)
    assert principal.org_id == admin.org_id


def test_throttling_counts_failures_in_the_window(ports):
    _, admin, password = new_org(ports)
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            login(admin.email, "wrong password", ADDRESS, ports, NOW)
    with pytest.raises(ThrottledError) as refused:
        login(admin.email, password, ADDRESS, ports, NOW + timedelta(minutes=1))
    assert refused.value.retry_after_s == 14 * 60
    assert login(admin.email, password, ADDRESS, ports, NOW + timedelta(minutes=15))


def test_password_change_ends_sessions(ports):
    _, admin, password = new_org(ports)
    principal, pair = admin_principal(ports, admin.email, password)
    change = PasswordChange(current_password=password, new_password="a brand new passphrase")
    fresh = change_password(principal, change, ports, NOW)
    with pytest.raises(AuthenticationError):
        refresh(pair.refresh_token, ADDRESS, ports, NOW)
    assert refresh(fresh.refresh_token, ADDRESS, ports, NOW)


def test_api_keys_are_scoped_listed_with_last_use_and_revocable(ports):
    _, acme_admin, acme_password = new_org(ports)
    _, globex_admin, globex_password = new_org(ports, "Globex", "boss@globex.test")
    acme, _ = admin_principal(ports, acme_admin.email, acme_password)
    globex, _ = admin_principal(ports, globex_admin.email, globex_password)
    view, secret = create_api_key(acme, "grafana", Role.VIEWER, ports, NOW)
    key = authenticate(f"ApiKey {secret}", ports, NOW + timedelta(minutes=5))
    assert (key.org_id, key.role) == (acme.org_id, Role.VIEWER)
    (listed,) = list_api_keys(acme, PageRequest(), ports).items
    assert listed.last_used_at == NOW + timedelta(minutes=5)
    assert list_api_keys(globex, PageRequest(), ports).items == []
    with pytest.raises(NotFoundError):
        revoke_api_key(globex, view.id, ports, NOW)
    revoke_api_key(acme, view.id, ports, NOW)
    with pytest.raises(AuthenticationError):
        authenticate(f"ApiKey {secret}", ports, NOW)


def test_an_invitation_opens_one_account(ports):
    _, admin, password = new_org(ports)
    principal, _ = admin_principal(ports, admin.email, password)
    _, token = invite_user(
        principal, InviteUser(email="op@acme.test", role=Role.OPERATOR), ports, NOW
    )
    body = AcceptInvitation(token=token, display_name="Op", password="operator passphrase")
    accept_invitation(body, ADDRESS, ports, NOW)
    with pytest.raises(AuthenticationError):
        accept_invitation(body, ADDRESS, ports, NOW)
    roles = sorted(u.role for u in list_users(principal, PageRequest(), ports).items)
    assert roles == [Role.ADMIN, Role.OPERATOR]


def test_audit_log_filters_and_pages_newest_first(ports):
    org, admin, password = new_org(ports)
    principal, _ = admin_principal(ports, admin.email, password)
    for minute in range(5):
        record_audit(
            AuditEntry(
                at=NOW + timedelta(minutes=minute),
                org_id=org.id,
                actor_kind="user",
                actor_id=admin.id,
                action="device.update",
                target_type="device",
                target_id=f"d{minute}",
            ),
            ports,
        )
    only_devices = AuditFilter(action="device.update")
    first = list_audit(principal, only_devices, PageRequest(limit=3), ports)
    rest = list_audit(
        principal, only_devices, PageRequest(limit=3, cursor=first.next_cursor), ports
    )
    assert [e.target_id for e in first.items + rest.items] == ["d4", "d3", "d2", "d1", "d0"]
    assert rest.next_cursor is None
    window = AuditFilter(since=NOW + timedelta(minutes=1), until=NOW + timedelta(minutes=3))
    assert len(list_audit(principal, window, PageRequest(), ports).items) == 2


def test_compare_and_set_updates_happen_once(ports):
    _, admin, password = new_org(ports)
    login(admin.email, password, ADDRESS, ports, NOW)
    token = ports.refresh_tokens._tokens.find_one({})
    assert ports.refresh_tokens.mark_used(token["_id"], NOW)
    assert not ports.refresh_tokens.mark_used(token["_id"], NOW)
    session_id = token["session_id"]
    assert ports.sessions.revoke(admin.org_id, session_id, NOW, "logout")
    assert not ports.sessions.revoke(admin.org_id, session_id, NOW, "logout")
    assert not ports.sessions.revoke(new_id(NOW), session_id, NOW, "logout")
