"""Roles a user or API key holds in its organization, and what each role may do.

admin: users, credentials (API keys, device credentials), firmware signing, the audit log and
everything an operator may do. operator: devices, rules, alarms, commands, rollouts and reading.
viewer: reading only.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Role(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"
    VIEWER = "viewer"


class Permission(StrEnum):
    READ = "read"
    OPERATE_DEVICES = "operate_devices"
    MANAGE_RULES = "manage_rules"
    MANAGE_ALARMS = "manage_alarms"
    SEND_COMMANDS = "send_commands"
    MANAGE_ROLLOUTS = "manage_rollouts"
    MANAGE_USERS = "manage_users"
    MANAGE_CREDENTIALS = "manage_credentials"
    SIGN_FIRMWARE = "sign_firmware"
    READ_AUDIT = "read_audit"


_VIEWER = frozenset({Permission.READ})
_OPERATOR = _VIEWER | {
    Permission.OPERATE_DEVICES,
    Permission.MANAGE_RULES,
    Permission.MANAGE_ALARMS,
    Permission.SEND_COMMANDS,
    Permission.MANAGE_ROLLOUTS,
}
_ADMIN = frozenset(Permission)

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = MappingProxyType(
    {Role.VIEWER: _VIEWER, Role.OPERATOR: _OPERATOR, Role.ADMIN: _ADMIN}
)
_RANK: Mapping[Role, int] = MappingProxyType({Role.VIEWER: 0, Role.OPERATOR: 1, Role.ADMIN: 2})


def role_allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def role_covers(role: Role, granted: Role) -> bool:
    """Whether a holder of ``role`` may grant ``granted`` (never a role above one's own)."""
    return _RANK[role] >= _RANK[granted]
