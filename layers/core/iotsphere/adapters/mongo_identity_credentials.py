"""API keys and invitations in MongoDB, each found by the unique SHA-256 of its secret."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel
from pymongo import ASCENDING
from pymongo.collection import Collection

from iotsphere.adapters.mongo_identity_documents import (
    Document,
    from_document,
    store_call,
    text,
    to_document,
)
from iotsphere.domain.identity.api_keys import ApiKeyRecord
from iotsphere.domain.identity.invitations import Invitation


class _SecretKeyed[M: BaseModel]:
    """Records of one organization, each with a unique hash of its secret in ``hash_field``."""

    model: type[M]
    hash_field: str

    def __init__(self, collection: Collection[Document]) -> None:
        self._collection = collection

    def ensure_indexes(self) -> None:
        with store_call(f"{self._collection.name} index"):
            self._collection.create_index(
                [(self.hash_field, ASCENDING)], unique=True, name=f"{self.hash_field}_unique"
            )
            self._collection.create_index([("org_id", ASCENDING), ("_id", ASCENDING)], name="org")

    def add(self, record: M) -> None:
        with store_call(f"{self._collection.name} insert"):
            self._collection.insert_one(to_document(record))

    def find_by_hash(self, secret_hash: str) -> M | None:
        with store_call(f"{self._collection.name} read"):
            found = self._collection.find_one({self.hash_field: text(secret_hash)})
        return from_document(self.model, found)

    def get(self, org_id: str, record_id: str) -> M | None:
        with store_call(f"{self._collection.name} read"):
            found = self._collection.find_one({"_id": text(record_id), "org_id": text(org_id)})
        return from_document(self.model, found)

    def list(self, org_id: str, after: str | None, limit: int) -> Sequence[M]:
        where: Document = {"org_id": text(org_id)}
        if after is not None:
            where["_id"] = {"$gt": text(after)}
        with store_call(f"{self._collection.name} list"):
            cursor = self._collection.find(where).sort("_id", ASCENDING).limit(limit)
            return [self.model.model_validate({"id": d.pop("_id"), **d}) for d in cursor]

    def _set_if(
        self, org_id: str, record_id: str, unset: tuple[str, ...], changes: Document
    ) -> bool:
        """Set ``changes`` if every field in ``unset`` is still null; True if this call did."""
        where: Document = {"_id": text(record_id), "org_id": text(org_id)}
        where.update({name: None for name in unset})
        with store_call(f"{self._collection.name} update"):
            result = self._collection.update_one(where, {"$set": changes})
        return result.modified_count == 1


class MongoApiKeyRepository(_SecretKeyed[ApiKeyRecord]):
    model = ApiKeyRecord
    hash_field = "secret_hash"

    def revoke(self, org_id: str, key_id: str, at: datetime) -> bool:
        return self._set_if(org_id, key_id, ("revoked_at",), {"revoked_at": at})

    def touch(self, org_id: str, key_id: str, at: datetime) -> None:
        self._set_if(org_id, key_id, (), {"last_used_at": at})


class MongoInvitationRepository(_SecretKeyed[Invitation]):
    model = Invitation
    hash_field = "token_hash"

    def mark_accepted(self, org_id: str, invitation_id: str, at: datetime) -> bool:
        return self._set_if(
            org_id, invitation_id, ("accepted_at", "revoked_at"), {"accepted_at": at}
        )

    def revoke(self, org_id: str, invitation_id: str, at: datetime) -> bool:
        return self._set_if(
            org_id, invitation_id, ("accepted_at", "revoked_at"), {"revoked_at": at}
        )
