"""In-memory fakes of the identity ports, scoped by organization as the real stores are."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

from iotsphere.domain.identity.api_keys import ApiKeyRecord
from iotsphere.domain.identity.audit import AuditEntry, AuditFilter
from iotsphere.domain.identity.invitations import Invitation
from iotsphere.domain.identity.organization import Organization
from iotsphere.domain.identity.roles import Role
from iotsphere.domain.identity.sessions import AccessClaims, RefreshToken, RevokedReason, Session
from iotsphere.domain.identity.user import User
from iotsphere.services.identity.errors import AuthenticationError, ConflictError
from iotsphere.services.identity.ports import IdentityPorts


class FakeOrgs:
    def __init__(self) -> None:
        self.items: dict[str, Organization] = {}

    def add(self, org: Organization) -> None:
        self.items[org.id] = org

    def get(self, org_id: str) -> Organization | None:
        return self.items.get(org_id)


class _Scoped[T]:
    """Records keyed by id; every scoped read matches the organization too."""

    def __init__(self) -> None:
        self.items: dict[str, T] = {}

    def _get(self, org_id: str, record_id: str) -> T | None:
        found = self.items.get(record_id)
        return found if found is not None and found.org_id == org_id else None

    def _list(self, org_id: str, after: str | None, limit: int) -> list[T]:
        found = sorted(
            (r for r in self.items.values() if r.org_id == org_id),
            key=lambda r: r.id,
        )
        return [r for r in found if after is None or r.id > after][:limit]

    def _update(self, org_id: str, record_id: str, **changes: object) -> bool:
        found = self._get(org_id, record_id)
        if found is None:
            return False
        self.items[record_id] = found.model_copy(update=changes)
        return True


class FakeUsers(_Scoped[User]):
    def add(self, user: User) -> None:
        if self.find_by_email(user.email) is not None:
            raise ConflictError(f"a user with e-mail {user.email} exists")
        self.items[user.id] = user

    def get(self, org_id: str, user_id: str) -> User | None:
        return self._get(org_id, user_id)

    def find_by_email(self, email: str) -> User | None:
        return next((u for u in self.items.values() if u.email == email), None)

    def list(self, org_id: str, after: str | None, limit: int) -> list[User]:
        return self._list(org_id, after, limit)

    def save(self, user: User) -> bool:
        if self._get(user.org_id, user.id) is None:
            return False
        self.items[user.id] = user
        return True

    def remove(self, org_id: str, user_id: str) -> bool:
        if self._get(org_id, user_id) is None:
            return False
        del self.items[user_id]
        return True

    def count_admins(self, org_id: str) -> int:
        return sum(u.org_id == org_id and u.role is Role.ADMIN for u in self.items.values())

    def any_admin(self) -> bool:
        return any(u.role is Role.ADMIN for u in self.items.values())


class FakeSessions(_Scoped[Session]):
    def add(self, session: Session) -> None:
        self.items[session.id] = session

    def get(self, org_id: str, session_id: str) -> Session | None:
        return self._get(org_id, session_id)

    def list_active(self, org_id: str, user_id: str, now: datetime) -> list[Session]:
        return [
            s for s in self._list(org_id, None, 10_000) if s.user_id == user_id and s.active(now)
        ]

    def touch(self, org_id: str, session_id: str, at: datetime) -> None:
        self._update(org_id, session_id, last_used_at=at)

    def revoke(self, org_id: str, session_id: str, at: datetime, reason: RevokedReason) -> bool:
        found = self._get(org_id, session_id)
        if found is None or found.revoked_at is not None:
            return False
        return self._update(org_id, session_id, revoked_at=at, revoked_reason=reason)

    def revoke_all(self, org_id: str, user_id: str, at: datetime, reason: RevokedReason) -> int:
        mine = [s for s in self._list(org_id, None, 10_000) if s.user_id == user_id]
        return sum(self.revoke(org_id, s.id, at, reason) for s in mine)


class FakeRefreshTokens:
    def __init__(self) -> None:
        self.items: dict[str, RefreshToken] = {}

    def add(self, token: RefreshToken) -> None:
        self.items[token.id] = token

    def find_by_hash(self, token_hash: str) -> RefreshToken | None:
        return next((t for t in self.items.values() if t.token_hash == token_hash), None)

    def mark_used(self, token_id: str, at: datetime) -> bool:
        token = self.items.get(token_id)
        if token is None or token.used_at is not None:
            return False
        self.items[token_id] = token.model_copy(update={"used_at": at})
        return True


class FakeApiKeys(_Scoped[ApiKeyRecord]):
    def add(self, key: ApiKeyRecord) -> None:
        self.items[key.id] = key

    def find_by_hash(self, secret_hash: str) -> ApiKeyRecord | None:
        return next((k for k in self.items.values() if k.secret_hash == secret_hash), None)

    def get(self, org_id: str, key_id: str) -> ApiKeyRecord | None:
        return self._get(org_id, key_id)

    def list(self, org_id: str, after: str | None, limit: int) -> list[ApiKeyRecord]:
        return self._list(org_id, after, limit)

    def revoke(self, org_id: str, key_id: str, at: datetime) -> bool:
        found = self._get(org_id, key_id)
        if found is None or found.revoked_at is not None:
            return False
        return self._update(org_id, key_id, revoked_at=at)

    def touch(self, org_id: str, key_id: str, at: datetime) -> None:
        self._update(org_id, key_id, last_used_at=at)


class FakeInvitations(_Scoped[Invitation]):
    def add(self, invitation: Invitation) -> None:
        self.items[invitation.id] = invitation

    def find_by_hash(self, token_hash: str) -> Invitation | None:
        return next((i for i in self.items.values() if i.token_hash == token_hash), None)

    def get(self, org_id: str, invitation_id: str) -> Invitation | None:
        return self._get(org_id, invitation_id)

    def list(self, org_id: str, after: str | None, limit: int) -> list[Invitation]:
        return self._list(org_id, after, limit)

    def _close(self, org_id: str, invitation_id: str, **changes: object) -> bool:
        found = self._get(org_id, invitation_id)
        if found is None or found.accepted_at is not None or found.revoked_at is not None:
            return False
        return self._update(org_id, invitation_id, **changes)

    def mark_accepted(self, org_id: str, invitation_id: str, at: datetime) -> bool:
        return self._close(org_id, invitation_id, accepted_at=at)

    def revoke(self, org_id: str, invitation_id: str, at: datetime) -> bool:
        return self._close(org_id, invitation_id, revoked_at=at)


class FakeAudit:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def append(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    def list(
        self, org_id: str, filters: AuditFilter, before: str | None, limit: int
    ) -> list[AuditEntry]:
        def matches(e: AuditEntry) -> bool:
            return (
                e.org_id == org_id
                and (before is None or e.id < before)
                and all(
                    getattr(filters, name) in (None, getattr(e, name))
                    for name in ("actor_id", "action", "target_type", "target_id")
                )
                and (filters.since is None or e.at >= filters.since)
                and (filters.until is None or e.at < filters.until)
            )

        return sorted(filter(matches, self.entries), key=lambda e: e.id, reverse=True)[:limit]

    def actions(self) -> list[str]:
        return [e.action for e in self.entries]


class FakeLoginAttempts:
    def __init__(self) -> None:
        self.failures: dict[str, list[datetime]] = defaultdict(list)

    def record_failure(self, key: str, at: datetime) -> None:
        self.failures[key].append(at)

    def failures_since(self, key: str, since: datetime) -> list[datetime]:
        return sorted(t for t in self.failures[key] if t > since)

    def clear(self, key: str) -> None:
        self.failures.pop(key, None)


class FakeHasher:
    """Reversible on purpose (never do this outside tests); counts hashes to show equal work."""

    def __init__(self) -> None:
        self.hashed = 0
        self.verified = 0

    def hash(self, password: str) -> str:
        self.hashed += 1
        return "fake$" + password

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return password_hash.split("$", 1)[1] == password

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith("fake$")


class FakeTokenCodec:
    """Tokens are JSON behind a mark; anything without the mark is not ours."""

    MARK = "signed:"

    def encode(self, claims: AccessClaims) -> str:
        return self.MARK + claims.model_dump_json()

    def decode(self, token: str) -> AccessClaims:
        if not token.startswith(self.MARK):
            raise AuthenticationError("the access token is not valid")
        return AccessClaims.model_validate(json.loads(token.removeprefix(self.MARK)))


def fake_ports() -> IdentityPorts:
    return IdentityPorts(
        orgs=FakeOrgs(),
        users=FakeUsers(),
        sessions=FakeSessions(),
        refresh_tokens=FakeRefreshTokens(),
        api_keys=FakeApiKeys(),
        invitations=FakeInvitations(),
        audit=FakeAudit(),
        login_attempts=FakeLoginAttempts(),
        hasher=FakeHasher(),
        tokens=FakeTokenCodec(),
    )
