"""Sessions, refresh tokens and failed logins in MongoDB.

``refresh_tokens`` are found by the unique SHA-256 of the token and deleted by a TTL index well
after they expire (by then their session has ended too). ``login_failures`` keep one document per
failure, deleted by a TTL index a day later; throttling looks at minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pymongo import ASCENDING
from pymongo.collection import Collection

from iotsphere.adapters.mongo_identity_documents import (
    Document,
    from_document,
    store_call,
    text,
    to_document,
)
from iotsphere.domain.identity.sessions import RefreshToken, RevokedReason, Session

REFRESH_TOKENS_KEPT_AFTER_EXPIRY = timedelta(days=30)
LOGIN_FAILURES_KEPT = timedelta(days=1)


class MongoSessionRepository:
    def __init__(self, collection: Collection[Document]) -> None:
        self._sessions = collection

    def ensure_indexes(self) -> None:
        with store_call("sessions index"):
            self._sessions.create_index(
                [("org_id", ASCENDING), ("user_id", ASCENDING)], name="org_user"
            )

    def add(self, session: Session) -> None:
        with store_call("session insert"):
            self._sessions.insert_one(to_document(session))

    def get(self, org_id: str, session_id: str) -> Session | None:
        with store_call("session read"):
            found = self._sessions.find_one({"_id": text(session_id), "org_id": text(org_id)})
        return from_document(Session, found)

    def list_active(self, org_id: str, user_id: str, now: datetime) -> Sequence[Session]:
        where = {
            "org_id": text(org_id),
            "user_id": text(user_id),
            "revoked_at": None,
            "expires_at": {"$gt": now},
        }
        with store_call("session list"):
            cursor = self._sessions.find(where).sort("_id", ASCENDING)
            return [Session.model_validate({"id": d.pop("_id"), **d}) for d in cursor]

    def touch(self, org_id: str, session_id: str, at: datetime) -> None:
        with store_call("session update"):
            self._sessions.update_one(
                {"_id": text(session_id), "org_id": text(org_id)}, {"$set": {"last_used_at": at}}
            )

    def revoke(self, org_id: str, session_id: str, at: datetime, reason: RevokedReason) -> bool:
        with store_call("session revoke"):
            result = self._sessions.update_one(
                {"_id": text(session_id), "org_id": text(org_id), "revoked_at": None},
                {"$set": {"revoked_at": at, "revoked_reason": reason}},
            )
        return result.modified_count == 1

    def revoke_all(self, org_id: str, user_id: str, at: datetime, reason: RevokedReason) -> int:
        with store_call("session revoke"):
            result = self._sessions.update_many(
                {"org_id": text(org_id), "user_id": text(user_id), "revoked_at": None},
                {"$set": {"revoked_at": at, "revoked_reason": reason}},
            )
        return result.modified_count


class MongoRefreshTokenRepository:
    def __init__(self, collection: Collection[Document]) -> None:
        self._tokens = collection

    def ensure_indexes(self) -> None:
        kept = int(REFRESH_TOKENS_KEPT_AFTER_EXPIRY.total_seconds())
        with store_call("refresh tokens index"):
            self._tokens.create_index(
                [("token_hash", ASCENDING)], unique=True, name="token_hash_unique"
            )
            self._tokens.create_index(
                [("expires_at", ASCENDING)], expireAfterSeconds=kept, name="expiry"
            )

    def add(self, token: RefreshToken) -> None:
        with store_call("refresh token insert"):
            self._tokens.insert_one(to_document(token))

    def find_by_hash(self, token_hash: str) -> RefreshToken | None:
        with store_call("refresh token read"):
            found = self._tokens.find_one({"token_hash": text(token_hash)})
        return from_document(RefreshToken, found)

    def mark_used(self, token_id: str, at: datetime) -> bool:
        with store_call("refresh token update"):
            result = self._tokens.update_one(
                {"_id": text(token_id), "used_at": None}, {"$set": {"used_at": at}}
            )
        return result.modified_count == 1


class MongoLoginAttemptStore:
    def __init__(self, collection: Collection[Document]) -> None:
        self._failures = collection

    def ensure_indexes(self) -> None:
        kept = int(LOGIN_FAILURES_KEPT.total_seconds())
        with store_call("login failures index"):
            self._failures.create_index([("key", ASCENDING), ("at", ASCENDING)], name="key_at")
            self._failures.create_index([("at", ASCENDING)], expireAfterSeconds=kept, name="expiry")

    def record_failure(self, key: str, at: datetime) -> None:
        with store_call("login failure insert"):
            self._failures.insert_one({"key": text(key), "at": at})

    def failures_since(self, key: str, since: datetime) -> Sequence[datetime]:
        with store_call("login failures read"):
            cursor = self._failures.find(
                {"key": text(key), "at": {"$gt": since}}, {"_id": 0, "at": 1}
            ).sort("at", ASCENDING)
            return [document["at"] for document in cursor]

    def clear(self, key: str) -> None:
        with store_call("login failures delete"):
            self._failures.delete_many({"key": text(key)})
