"""Users of an organization: the caller's own account, the list, role changes and removal.

Reading users needs the read permission; changing another user needs ``MANAGE_USERS``. An
organization always keeps at least one admin.
"""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.identity.paging import Page, PageRequest
from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.requests import ProfileUpdate, RoleChange
from iotsphere.domain.identity.roles import Permission, Role
from iotsphere.domain.identity.user import User
from iotsphere.domain.identity.views import UserView
from iotsphere.services.identity.access import require, require_grantable, require_user
from iotsphere.services.identity.audit import entry_for, record_audit
from iotsphere.services.identity.errors import ConflictError, NotFoundError
from iotsphere.services.identity.lookups import forget_user
from iotsphere.services.identity.paging import page_of
from iotsphere.services.identity.ports import IdentityPorts
from iotsphere.services.identity.sessions import end_all_sessions


def get_me(principal: Principal, ports: IdentityPorts) -> UserView:
    user_id = require_user(principal)
    return UserView.of(find_user(principal.org_id, user_id, ports))


def get_user(principal: Principal, user_id: str, ports: IdentityPorts) -> UserView:
    require(principal, Permission.READ)
    return UserView.of(find_user(principal.org_id, user_id, ports))


def list_users(principal: Principal, page: PageRequest, ports: IdentityPorts) -> Page[UserView]:
    require(principal, Permission.READ)
    found = ports.users.list(principal.org_id, page.cursor, page.limit + 1)
    return page_of(found, page.limit, UserView.of)


def update_profile(
    principal: Principal, update: ProfileUpdate, ports: IdentityPorts, now: datetime
) -> UserView:
    user_id = require_user(principal)
    user = find_user(principal.org_id, user_id, ports)
    user = user.model_copy(update={"display_name": update.display_name})
    _save(user, ports)
    record_audit(
        entry_for(principal, "user.update_profile", now, target_type="user", target_id=user.id),
        ports,
    )
    return UserView.of(user)


def change_role(
    principal: Principal, user_id: str, change: RoleChange, ports: IdentityPorts, now: datetime
) -> UserView:
    require(principal, Permission.MANAGE_USERS)
    require_grantable(principal, change.role)
    user = find_user(principal.org_id, user_id, ports)
    if user.role is change.role:
        return UserView.of(user)
    _keep_an_admin(user, ports)
    changed = user.model_copy(update={"role": change.role})
    _save(changed, ports)
    record_audit(
        entry_for(
            principal,
            "user.change_role",
            now,
            target_type="user",
            target_id=user.id,
            details={"from": user.role, "to": change.role},
        ),
        ports,
    )
    return UserView.of(changed)


def remove_user(principal: Principal, user_id: str, ports: IdentityPorts, now: datetime) -> None:
    """Delete the account and end its sessions (its API keys belong to the organization)."""
    require(principal, Permission.MANAGE_USERS)
    user = find_user(principal.org_id, user_id, ports)
    _keep_an_admin(user, ports)
    if not ports.users.remove(user.org_id, user.id):
        raise NotFoundError(f"no user {user_id[:40]!r}")
    forget_user(user.org_id, user.id, ports)
    end_all_sessions(user.org_id, user.id, "user_removed", ports, now)
    record_audit(
        entry_for(
            principal,
            "user.remove",
            now,
            target_type="user",
            target_id=user.id,
            details={"email": user.email},
        ),
        ports,
    )


def end_user_sessions(
    principal: Principal, user_id: str, ports: IdentityPorts, now: datetime
) -> None:
    """Sign a user out everywhere (a lost laptop, a suspected theft); their password stays."""
    require(principal, Permission.MANAGE_USERS)
    user = find_user(principal.org_id, user_id, ports)
    end_all_sessions(user.org_id, user.id, "admin", ports, now)
    record_audit(
        entry_for(principal, "user.end_sessions", now, target_type="user", target_id=user.id),
        ports,
    )


def find_user(org_id: str, user_id: str, ports: IdentityPorts) -> User:
    user = ports.users.get(org_id, user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id[:40]!r}")
    return user


def _keep_an_admin(user: User, ports: IdentityPorts) -> None:
    if user.role is Role.ADMIN and ports.users.count_admins(user.org_id) <= 1:
        raise ConflictError("the organization's last admin cannot be removed or demoted")


def _save(user: User, ports: IdentityPorts) -> None:
    if not ports.users.save(user):
        raise NotFoundError(f"no user {user.id[:40]!r}")
    forget_user(user.org_id, user.id, ports)
