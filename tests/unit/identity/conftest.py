from datetime import UTC, datetime

import pytest

from iotsphere.domain.identity.ids import new_id
from iotsphere.domain.identity.organization import Organization
from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.roles import Role
from iotsphere.domain.identity.user import User
from tests.unit.identity.fakes import fake_ports

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def ports():
    return fake_ports()


def add_org(ports, name="Acme") -> Organization:
    org = Organization(id=new_id(NOW), name=name, created_at=NOW)
    ports.orgs.add(org)
    return org


def add_user(ports, org: Organization, email: str, role: Role = Role.VIEWER) -> User:
    user = User(
        id=new_id(NOW),
        org_id=org.id,
        email=email,
        display_name=email.split("@")[0],
        role=role,
        password_hash=ports.hasher.hash(PASSWORD),
        created_at=NOW,
        password_changed_at=NOW,
    )
    ports.users.add(user)
    return user


def principal_of(user: User, session_id: str | None = None) -> Principal:
    return Principal(
        org_id=user.org_id,
        subject_id=user.id,
        kind="user",
        role=user.role,
        session_id=session_id,
        client_address="10.0.0.9",
    )


@pytest.fixture
def org(ports):
    return add_org(ports)


@pytest.fixture
def admin(ports, org):
    return add_user(ports, org, "admin@acme.test", Role.ADMIN)


@pytest.fixture
def viewer(ports, org):
    return add_user(ports, org, "viewer@acme.test", Role.VIEWER)
