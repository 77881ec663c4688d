"""The identity stores in one MongoDB database, and the indexes they rely on."""

from __future__ import annotations

from typing import Any

from pymongo.database import Database

from iotsphere.adapters.mongo_identity_audit import MongoAuditLog
from iotsphere.adapters.mongo_identity_credentials import (
    MongoApiKeyRepository,
    MongoInvitationRepository,
)
from iotsphere.adapters.mongo_identity_sessions import (
    MongoLoginAttemptStore,
    MongoRefreshTokenRepository,
    MongoSessionRepository,
)
from iotsphere.adapters.mongo_identity_users import (
    MongoOrganizationRepository,
    MongoUserRepository,
)
from iotsphere.services.identity.policy import IdentityPolicy
from iotsphere.services.identity.ports import IdentityPorts, PasswordHasher, TokenCodec

COLLECTIONS = {
    "orgs": "organizations",
    "users": "users",
    "sessions": "sessions",
    "refresh_tokens": "refresh_tokens",
    "api_keys": "api_keys",
    "invitations": "invitations",
    "audit": "audit_log",
    "login_attempts": "login_failures",
}


def mongo_identity_ports(
    database: Database[dict[str, Any]],
    *,
    hasher: PasswordHasher,
    tokens: TokenCodec,
    policy: IdentityPolicy | None = None,
) -> IdentityPorts:
    """Identity ports over ``database``; no I/O until a store is used.

    The client must be ``tz_aware=True``: the services compare stored times with aware ones.
    """
    if not database.codec_options.tz_aware:
        raise ValueError("the MongoDB client of the identity stores needs tz_aware=True")
    return IdentityPorts(
        orgs=MongoOrganizationRepository(database[COLLECTIONS["orgs"]]),
        users=MongoUserRepository(database[COLLECTIONS["users"]]),
        sessions=MongoSessionRepository(database[COLLECTIONS["sessions"]]),
        refresh_tokens=MongoRefreshTokenRepository(database[COLLECTIONS["refresh_tokens"]]),
        api_keys=MongoApiKeyRepository(database[COLLECTIONS["api_keys"]]),
        invitations=MongoInvitationRepository(database[COLLECTIONS["invitations"]]),
        audit=MongoAuditLog(database[COLLECTIONS["audit"]]),
        login_attempts=MongoLoginAttemptStore(database[COLLECTIONS["login_attempts"]]),
        hasher=hasher,
        tokens=tokens,
        policy=policy or IdentityPolicy(),
    )


def ensure_identity_indexes(database: Database[dict[str, Any]]) -> None:
    """Create the indexes (unique e-mail, unique secret hashes, TTLs); safe to run again."""
    MongoUserRepository(database[COLLECTIONS["users"]]).ensure_indexes()
    MongoSessionRepository(database[COLLECTIONS["sessions"]]).ensure_indexes()
    MongoRefreshTokenRepository(database[COLLECTIONS["refresh_tokens"]]).ensure_indexes()
    MongoApiKeyRepository(database[COLLECTIONS["api_keys"]]).ensure_indexes()
    MongoInvitationRepository(database[COLLECTIONS["invitations"]]).ensure_indexes()
    MongoAuditLog(database[COLLECTIONS["audit"]]).ensure_indexes()
    MongoLoginAttemptStore(database[COLLECTIONS["login_attempts"]]).ensure_indexes()
