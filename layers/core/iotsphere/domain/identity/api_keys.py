"""API keys for integrations: scoped to an organization and a role, kept hashed, shown once."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.identity.fields import DisplayName, RecordId
from iotsphere.domain.identity.roles import Role


class ApiKeyRecord(BaseModel):
    """``prefix`` is the key's first characters, enough to recognise it in a list."""

    model_config = ConfigDict(frozen=True)

    id: RecordId
    org_id: RecordId
    name: DisplayName
    role: Role
    prefix: str
    secret_hash: str = Field(repr=False)
    created_at: datetime
    created_by: RecordId
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
