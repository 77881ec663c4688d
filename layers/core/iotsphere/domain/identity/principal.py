"""Who is calling: a user (through an access token) or an API key, in one organization."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.identity.roles import Permission, Role, role_allows


class Principal(BaseModel):
    """The authenticated caller. ``role`` is the one stored now, not the one at login.

    ``session_id`` is the login session of a user's access token (None for an API key);
    ``client_address`` is where the request came from, for the audit log.
    """

    model_config = ConfigDict(frozen=True)

    org_id: str
    subject_id: str
    kind: Literal["user", "api_key"]
    role: Role
    session_id: str | None = None
    client_address: str | None = None

    def can(self, permission: Permission) -> bool:
        return role_allows(self.role, permission)
