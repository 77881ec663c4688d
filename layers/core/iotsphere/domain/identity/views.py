"""What the identity operations return: the stored records without their hashes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.identity.api_keys import ApiKeyRecord
from iotsphere.domain.identity.invitations import Invitation
from iotsphere.domain.identity.organization import Organization
from iotsphere.domain.identity.preferences import Preferences
from iotsphere.domain.identity.roles import Role
from iotsphere.domain.identity.sessions import RevokedReason, Session
from iotsphere.domain.identity.user import User


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: Literal[1] = 1


class OrganizationView(_View):
    id: str
    name: str
    created_at: datetime

    @classmethod
    def of(cls, org: Organization) -> Self:
        return cls(id=org.id, name=org.name, created_at=org.created_at)


class UserView(_View):
    id: str
    org_id: str
    email: str
    display_name: str
    role: Role
    created_at: datetime
    preferences: Preferences

    @classmethod
    def of(cls, user: User) -> Self:
        return cls.model_validate(user.model_dump(exclude={"password_hash", "password_changed_at"}))


class SessionView(_View):
    id: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime
    client_address: str | None
    revoked_at: datetime | None
    revoked_reason: RevokedReason | None

    @classmethod
    def of(cls, session: Session) -> Self:
        return cls.model_validate(session.model_dump(exclude={"org_id", "user_id"}))


class ApiKeyView(_View):
    id: str
    name: str
    role: Role
    prefix: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKeyRecord) -> Self:
        return cls.model_validate(key.model_dump(exclude={"org_id", "secret_hash"}))


class InvitationView(_View):
    id: str
    email: str
    role: Role
    invited_by: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, invitation: Invitation) -> Self:
        return cls.model_validate(invitation.model_dump(exclude={"org_id", "token_hash"}))
