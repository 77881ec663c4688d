"""Request bodies of the identity operations. Each holds only what its operation owns and forbids
anything else, so a body cannot set a role, an organization, an owner or a secret it does not own.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from iotsphere.domain.identity.fields import (
    DisplayName,
    Email,
    Password,
    PasswordAttempt,
    TimeZone,
)
from iotsphere.domain.identity.preferences import NotificationDefaults
from iotsphere.domain.identity.roles import Role

OpaqueToken = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = 1


class LoginRequest(_Request):
    email: Email
    password: PasswordAttempt


class RefreshRequest(_Request):
    refresh_token: OpaqueToken


class PasswordChange(_Request):
    current_password: PasswordAttempt
    new_password: Password


class InviteUser(_Request):
    email: Email
    role: Role


class AcceptInvitation(_Request):
    token: OpaqueToken
    display_name: DisplayName
    password: Password


class RoleChange(_Request):
    role: Role


class ProfileUpdate(_Request):
    display_name: DisplayName


class NewApiKey(_Request):
    name: DisplayName
    role: Role


class PreferencesUpdate(_Request):
    """Only the fields given change."""

    units: Literal["metric", "imperial"] | None = None
    time_zone: TimeZone | None = None
    notifications: NotificationDefaults | None = None


class NewOrganization(_Request):
    name: DisplayName
    admin_email: Email
