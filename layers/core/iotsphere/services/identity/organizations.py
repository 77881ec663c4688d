"""Organizations: the caller's own, a new one with its first admin, and the local first set-up."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from iotsphere.domain.identity.audit import AuditEntry
from iotsphere.domain.identity.ids import new_id
from iotsphere.domain.identity.organization import Organization
from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.requests import NewOrganization
from iotsphere.domain.identity.roles import Permission, Role
from iotsphere.domain.identity.user import User
from iotsphere.domain.identity.views import OrganizationView, UserView
from iotsphere.services.identity.access import require
from iotsphere.services.identity.audit import record_audit
from iotsphere.services.identity.errors import ConflictError, NotFoundError
from iotsphere.services.identity.inputs import parse_input
from iotsphere.services.identity.ports import IdentityPorts

FIRST_ORGANIZATION = "Default organization"
FIRST_ADMIN_EMAIL = "admin@iotsphere.local"


def get_organization(principal: Principal, ports: IdentityPorts) -> OrganizationView:
    require(principal, Permission.READ)
    org = ports.orgs.get(principal.org_id)
    if org is None:
        raise NotFoundError("no such organization")
    return OrganizationView.of(org)


def create_organization(
    new: NewOrganization, ports: IdentityPorts, now: datetime
) -> tuple[OrganizationView, UserView, str]:
    """A new organization and its admin with a generated password, returned this once.

    A platform operation (set-up, CLI), not one any organization's user may call. The admin is
    stored first: if the address is taken, ``ConflictError`` and nothing is stored.
    """
    org = Organization(id=new_id(now), name=new.name, created_at=now)
    password = secrets.token_urlsafe(18)
    admin = User(
        id=new_id(now),
        org_id=org.id,
        email=new.admin_email,
        display_name="Administrator",
        role=Role.ADMIN,
        password_hash=ports.hasher.hash(password),
        created_at=now,
        password_changed_at=now,
    )
    ports.users.add(admin)
    ports.orgs.add(org)
    record_audit(
        AuditEntry(
            at=now,
            org_id=org.id,
            actor_kind="system",
            actor_id="system",
            action="organization.create",
            target_type="organization",
            target_id=org.id,
            details={"admin_email": admin.email},
        ),
        ports,
    )
    return OrganizationView.of(org), UserView.of(admin), password


def bootstrap_first_admin(
    ports: IdentityPorts,
    now: datetime | None = None,
    *,
    org_name: str = FIRST_ORGANIZATION,
    email: str = FIRST_ADMIN_EMAIL,
) -> tuple[OrganizationView, UserView, str] | None:
    """The first organization and its admin for a new installation, with the admin's password
    to print once; None when any admin exists already (running set-up again changes nothing)."""
    if ports.users.any_admin():
        return None
    now = now or datetime.now(tz=UTC)
    new = parse_input(NewOrganization, {"name": org_name, "admin_email": email})
    try:
        return create_organization(new, ports, now)
    except ConflictError:
        return None
