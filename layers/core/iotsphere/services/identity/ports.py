"""What the identity services need from storage and crypto; adapters implement it, fakes in tests.

Every method that reads or changes one organization's records takes its ``org_id`` and matches
on it: a record of another organization is not found. The few lookups by secret hash or e-mail
(login, refresh, API key, invitation) are the only ones across organizations, because the caller
is not known yet; they return the record with its organization.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from iotsphere.domain.identity.api_keys import ApiKeyRecord
from iotsphere.domain.identity.audit import AuditEntry, AuditFilter
from iotsphere.domain.identity.invitations import Invitation
from iotsphere.domain.identity.organization import Organization
from iotsphere.domain.identity.sessions import AccessClaims, RefreshToken, RevokedReason, Session
from iotsphere.domain.identity.user import User
from iotsphere.services.identity.policy import IdentityPolicy
from iotsphere.services.identity.recent import RecentLookups


class OrganizationRepository(Protocol):
    def add(self, org: Organization) -> None: ...

    def get(self, org_id: str) -> Organization | None: ...


class UserRepository(Protocol):
    def add(self, user: User) -> None:
        """Raises ``ConflictError`` when the e-mail address is taken (in any organization)."""

    def get(self, org_id: str, user_id: str) -> User | None: ...

    def find_by_email(self, email: str) -> User | None:
        """The account of a normalized address, whatever its organization (login only)."""

    def list(self, org_id: str, after: str | None, limit: int) -> Sequence[User]:
        """Users with ids above ``after``, in id order."""

    def save(self, user: User) -> bool:
        """Replace the stored user of ``user.org_id`` and ``user.id``; False if there is none."""

    def remove(self, org_id: str, user_id: str) -> bool: ...

    def count_admins(self, org_id: str) -> int: ...

    def any_admin(self) -> bool:
        """Whether any organization has an admin (the local set-up then creates none)."""


class SessionRepository(Protocol):
    def add(self, session: Session) -> None: ...

    def get(self, org_id: str, session_id: str) -> Session | None: ...

    def list_active(self, org_id: str, user_id: str, now: datetime) -> Sequence[Session]: ...

    def touch(self, org_id: str, session_id: str, at: datetime) -> None:
        """Set ``last_used_at``."""

    def revoke(self, org_id: str, session_id: str, at: datetime, reason: RevokedReason) -> bool:
        """Revoke one session if it is not revoked yet; True if this call revoked it."""

    def revoke_all(self, org_id: str, user_id: str, at: datetime, reason: RevokedReason) -> int:
        """Revoke every session of a user that is not revoked yet; how many."""


class RefreshTokenRepository(Protocol):
    def add(self, token: RefreshToken) -> None: ...

    def find_by_hash(self, token_hash: str) -> RefreshToken | None: ...

    def mark_used(self, token_id: str, at: datetime) -> bool:
        """Mark a token used, atomically and only if it was unused; False when it was used."""


class ApiKeyRepository(Protocol):
    def add(self, key: ApiKeyRecord) -> None: ...

    def find_by_hash(self, secret_hash: str) -> ApiKeyRecord | None: ...

    def get(self, org_id: str, key_id: str) -> ApiKeyRecord | None: ...

    def list(self, org_id: str, after: str | None, limit: int) -> Sequence[ApiKeyRecord]: ...

    def revoke(self, org_id: str, key_id: str, at: datetime) -> bool:
        """Revoke a key that is not revoked yet; True if this call revoked it."""

    def touch(self, org_id: str, key_id: str, at: datetime) -> None:
        """Set ``last_used_at``."""


class InvitationRepository(Protocol):
    def add(self, invitation: Invitation) -> None: ...

    def find_by_hash(self, token_hash: str) -> Invitation | None: ...

    def get(self, org_id: str, invitation_id: str) -> Invitation | None: ...

    def list(self, org_id: str, after: str | None, limit: int) -> Sequence[Invitation]: ...

    def mark_accepted(self, org_id: str, invitation_id: str, at: datetime) -> bool:
        """Atomically, only if neither accepted nor revoked; False otherwise."""

    def revoke(self, org_id: str, invitation_id: str, at: datetime) -> bool:
        """Only if neither accepted nor revoked; True if this call revoked it."""


class AuditLog(Protocol):
    def append(self, entry: AuditEntry) -> None: ...

    def list(
        self, org_id: str, filters: AuditFilter, before: str | None, limit: int
    ) -> Sequence[AuditEntry]:
        """Entries matching every filter with ids below ``before``, newest (highest id) first."""


class LoginAttemptStore(Protocol):
    """Failed logins by key (``account:<email>``, ``address:<ip>``) for throttling."""

    def record_failure(self, key: str, at: datetime) -> None: ...

    def failures_since(self, key: str, since: datetime) -> Sequence[datetime]:
        """Times of the failures after ``since`` (not at it), oldest first."""

    def clear(self, key: str) -> None: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool:
        """True when the password matches; False for a wrong password or an unreadable hash."""

    def needs_rehash(self, password_hash: str) -> bool: ...


class TokenCodec(Protocol):
    def encode(self, claims: AccessClaims) -> str: ...

    def decode(self, token: str) -> AccessClaims:
        """Claims of a token this codec signed; ``AuthenticationError`` for anything else.

        The expiry is not checked here but by the service, against the clock it is given.
        """


@dataclass(frozen=True)
class IdentityPorts:
    orgs: OrganizationRepository
    users: UserRepository
    sessions: SessionRepository
    refresh_tokens: RefreshTokenRepository
    api_keys: ApiKeyRepository
    invitations: InvitationRepository
    audit: AuditLog
    login_attempts: LoginAttemptStore
    hasher: PasswordHasher
    tokens: TokenCodec
    policy: IdentityPolicy = field(default_factory=IdentityPolicy)
    recent: RecentLookups = field(default_factory=RecentLookups)
