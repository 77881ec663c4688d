"""Login sessions: a session is one refresh-token family; access tokens name their session.

Refresh tokens rotate: each is used once and replaced by the next. A token presented a second time
(a replay of a stolen copy, or a client gone wrong) revokes its whole session.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.identity.fields import RecordId

RevokedReason = Literal["logout", "password_change", "refresh_reuse", "user_removed", "admin"]


class Session(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: RecordId
    org_id: RecordId
    user_id: RecordId
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime
    client_address: str | None = None
    revoked_at: datetime | None = None
    revoked_reason: RevokedReason | None = None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class RefreshToken(BaseModel):
    """One refresh token of a session, kept as the SHA-256 of the token (never the token)."""

    model_config = ConfigDict(frozen=True)

    id: RecordId
    session_id: RecordId
    org_id: RecordId
    user_id: RecordId
    token_hash: str = Field(repr=False)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class AccessClaims(BaseModel):
    """What an access token (a JWT) says: subject, organization, session, lifetime (epoch s)."""

    model_config = ConfigDict(frozen=True)

    sub: str
    org: str
    sid: str
    iat: int
    exp: int
    jti: str


class TokenPair(BaseModel):
    """Returned by login, refresh and password change. The refresh token is shown this once."""

    model_config = ConfigDict(frozen=True)

    version: Literal[1] = 1
    access_token: str = Field(repr=False)
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 (a scheme name)
    expires_in: int
    refresh_token: str = Field(repr=False)
    refresh_expires_in: int
