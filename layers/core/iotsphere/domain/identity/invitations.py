"""Invitations: an admin invites an address with a role; the token, shown once, opens an account."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.identity.fields import Email, RecordId
from iotsphere.domain.identity.roles import Role


class Invitation(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: RecordId
    org_id: RecordId
    email: Email
    role: Role
    token_hash: str = Field(repr=False)
    invited_by: RecordId
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None
    revoked_at: datetime | None = None

    def open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
