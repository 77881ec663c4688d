"""Reads of users and sessions that a process may reuse for ``policy.recheck_after``."""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.identity.sessions import Session
from iotsphere.domain.identity.user import User
from iotsphere.services.identity.ports import IdentityPorts

USER = "user"
SESSION = "session"


def current_user(org_id: str, user_id: str, ports: IdentityPorts, now: datetime) -> User | None:
    key = f"{org_id}/{user_id}"
    seen = ports.recent.get(USER, key, now, ports.policy.recheck_after)
    if isinstance(seen, User):
        return seen
    user = ports.users.get(org_id, user_id)
    if user is not None:
        ports.recent.put(USER, key, user, now)
    return user


def current_session(
    org_id: str, session_id: str, ports: IdentityPorts, now: datetime
) -> Session | None:
    key = f"{org_id}/{session_id}"
    seen = ports.recent.get(SESSION, key, now, ports.policy.recheck_after)
    if isinstance(seen, Session):
        return seen
    session = ports.sessions.get(org_id, session_id)
    if session is not None:
        ports.recent.put(SESSION, key, session, now)
    return session


def forget_user(org_id: str, user_id: str, ports: IdentityPorts) -> None:
    ports.recent.forget(USER, f"{org_id}/{user_id}")


def forget_session(org_id: str, session_id: str, ports: IdentityPorts) -> None:
    ports.recent.forget(SESSION, f"{org_id}/{session_id}")
