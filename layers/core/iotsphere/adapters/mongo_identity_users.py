"""Organizations and users in MongoDB: collections ``organizations`` and ``users``.

A user's e-mail address has a unique index across organizations (a login names none).
"""

from __future__ import annotations

from collections.abc import Sequence

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from iotsphere.adapters.mongo_identity_documents import (
    Document,
    from_document,
    store_call,
    text,
    to_document,
)
from iotsphere.domain.identity.organization import Organization
from iotsphere.domain.identity.roles import Role
from iotsphere.domain.identity.user import User
from iotsphere.services.identity.errors import ConflictError


class MongoOrganizationRepository:
    def __init__(self, collection: Collection[Document]) -> None:
        self._orgs = collection

    def add(self, org: Organization) -> None:
        with store_call("organization insert"):
            self._orgs.insert_one(to_document(org))

    def get(self, org_id: str) -> Organization | None:
        with store_call("organization read"):
            return from_document(Organization, self._orgs.find_one({"_id": text(org_id)}))


class MongoUserRepository:
    def __init__(self, collection: Collection[Document]) -> None:
        self._users = collection

    def ensure_indexes(self) -> None:
        with store_call("users index"):
            self._users.create_index([("email", ASCENDING)], unique=True, name="email_unique")
            self._users.create_index([("org_id", ASCENDING), ("_id", ASCENDING)], name="org_id")
            self._users.create_index([("role", ASCENDING), ("org_id", ASCENDING)], name="role")

    def add(self, user: User) -> None:
        with store_call("user insert"):
            try:
                self._users.insert_one(to_document(user))
            except DuplicateKeyError as exc:
                raise ConflictError(f"{user.email} already has an account") from exc

    def get(self, org_id: str, user_id: str) -> User | None:
        with store_call("user read"):
            found = self._users.find_one({"_id": text(user_id), "org_id": text(org_id)})
        return from_document(User, found)

    def find_by_email(self, email: str) -> User | None:
        with store_call("user read"):
            return from_document(User, self._users.find_one({"email": text(email)}))

    def list(self, org_id: str, after: str | None, limit: int) -> Sequence[User]:
        where: Document = {"org_id": text(org_id)}
        if after is not None:
            where["_id"] = {"$gt": text(after)}
        with store_call("user list"):
            cursor = self._users.find(where).sort("_id", ASCENDING).limit(limit)
            return [User.model_validate({"id": d.pop("_id"), **d}) for d in cursor]

    def save(self, user: User) -> bool:
        with store_call("user update"):
            result = self._users.replace_one(
                {"_id": text(user.id), "org_id": text(user.org_id)}, to_document(user)
            )
        return result.matched_count == 1

    def remove(self, org_id: str, user_id: str) -> bool:
        with store_call("user delete"):
            result = self._users.delete_one({"_id": text(user_id), "org_id": text(org_id)})
        return result.deleted_count == 1

    def count_admins(self, org_id: str) -> int:
        with store_call("user count"):
            return self._users.count_documents({"org_id": text(org_id), "role": Role.ADMIN.value})

    def any_admin(self) -> bool:
        with store_call("user read"):
            return self._users.find_one({"role": Role.ADMIN.value}, {"_id": 1}) is not None
