"""Checks of what a principal may do, raising ``ForbiddenError`` with the reason."""

from __future__ import annotations

from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.roles import Permission, Role, role_covers
from iotsphere.services.identity.errors import ForbiddenError


def require(principal: Principal, permission: Permission) -> None:
    if not principal.can(permission):
        raise ForbiddenError(f"the {principal.role} role may not {permission.replace('_', ' ')}")


def require_user(principal: Principal) -> str:
    """The user id of a principal that must be a person (not an API key)."""
    if principal.kind != "user":
        raise ForbiddenError("only a signed-in user may do this, not an API key")
    return principal.subject_id


def require_grantable(principal: Principal, role: Role) -> None:
    """Nobody grants a role above their own."""
    if not role_covers(principal.role, role):
        raise ForbiddenError(f"the {principal.role} role may not grant the {role} role")
