"""Login, refresh, logout and the user's list of sessions.

A login opens a session and hands out a short-lived access token and a refresh token. Refreshing
uses the refresh token up and hands out the next one of the same session; presenting a used one
again revokes the session, since either it was stolen or the client lost track of it.
"""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.identity.fields import MAX_PASSWORD_CHARS, normalize_email
from iotsphere.domain.identity.ids import new_id
from iotsphere.domain.identity.principal import Principal
from iotsphere.domain.identity.sessions import (
    AccessClaims,
    RefreshToken,
    RevokedReason,
    Session,
    TokenPair,
)
from iotsphere.domain.identity.user import User
from iotsphere.domain.identity.views import SessionView
from iotsphere.services.identity.access import require_user
from iotsphere.services.identity.audit import entry_for, record_audit, user_entry
from iotsphere.services.identity.errors import AuthenticationError, NotFoundError
from iotsphere.services.identity.lookups import forget_session
from iotsphere.services.identity.opaque import REFRESH_TOKEN_PREFIX, new_secret, secret_hash
from iotsphere.services.identity.ports import IdentityPorts
from iotsphere.services.identity.throttling import (
    account_key,
    check_login_allowed,
    record_login_failure,
)

WRONG_LOGIN = "wrong e-mail address or password"


def login(
    email: str, password: str, client_address: str | None, ports: IdentityPorts, now: datetime
) -> TokenPair:
    """A new session for the right e-mail and password; throttled per account and address."""
    try:
        email = normalize_email(email)
    except ValueError as exc:
        raise AuthenticationError(WRONG_LOGIN) from exc
    if len(password) > MAX_PASSWORD_CHARS:  # never hash a megabyte; no password is that long
        raise AuthenticationError(WRONG_LOGIN)
    check_login_allowed(email, client_address, ports, now)
    user = ports.users.find_by_email(email)
    if user is None:
        ports.hasher.hash(password)  # as slow as a wrong password, so timing tells nothing
    if user is None or not ports.hasher.verify(user.password_hash, password):
        record_login_failure(email, client_address, ports, now)
        if user is not None:
            record_audit(
                user_entry(
                    user.org_id,
                    user.id,
                    client_address,
                    "auth.login",
                    now,
                    target_type="user",
                    target_id=user.id,
                    outcome="failure",
                ),
                ports,
            )
        raise AuthenticationError(WRONG_LOGIN)
    ports.login_attempts.clear(account_key(email))
    if ports.hasher.needs_rehash(user.password_hash):
        user = user.model_copy(update={"password_hash": ports.hasher.hash(password)})
        ports.users.save(user)
    pair = start_session(user, client_address, ports, now)
    record_audit(
        user_entry(
            user.org_id,
            user.id,
            client_address,
            "auth.login",
            now,
            target_type="user",
            target_id=user.id,
        ),
        ports,
    )
    return pair


def refresh(
    refresh_token: str, client_address: str | None, ports: IdentityPorts, now: datetime
) -> TokenPair:
    """The next token pair of the session; a reused refresh token revokes the session."""
    token = None
    if refresh_token.startswith(REFRESH_TOKEN_PREFIX):
        token = ports.refresh_tokens.find_by_hash(secret_hash(refresh_token))
    if token is None:
        raise AuthenticationError("unknown refresh token; log in again")
    session = ports.sessions.get(token.org_id, token.session_id)
    if session is None or not session.active(now):
        raise AuthenticationError("the session has ended; log in again")
    if token.used_at is None and now >= token.expires_at:
        raise AuthenticationError("the refresh token has expired; log in again")
    if token.used_at is not None or not ports.refresh_tokens.mark_used(token.id, now):
        _end(session, "refresh_reuse", ports, now)
        record_audit(
            user_entry(
                session.org_id,
                session.user_id,
                client_address,
                "session.reuse_detected",
                now,
                target_type="session",
                target_id=session.id,
                outcome="denied",
            ),
            ports,
        )
        raise AuthenticationError("the refresh token was used before; the session is revoked")
    user = ports.users.get(session.org_id, session.user_id)
    if user is None:
        raise AuthenticationError("the session has ended; log in again")
    ports.sessions.touch(session.org_id, session.id, now)
    return _issue(session, ports, now)


def logout(principal: Principal, ports: IdentityPorts, now: datetime) -> None:
    """End the caller's session: its refresh tokens and, within the recheck time, its access
    tokens stop working."""
    require_user(principal)
    if principal.session_id is None:
        return
    session = ports.sessions.get(principal.org_id, principal.session_id)
    if session is not None and session.revoked_at is None:
        _end(session, "logout", ports, now)
        record_audit(
            entry_for(
                principal, "session.logout", now, target_type="session", target_id=session.id
            ),
            ports,
        )


def list_sessions(principal: Principal, ports: IdentityPorts, now: datetime) -> list[SessionView]:
    user_id = require_user(principal)
    return [SessionView.of(s) for s in ports.sessions.list_active(principal.org_id, user_id, now)]


def revoke_session(
    principal: Principal, session_id: str, ports: IdentityPorts, now: datetime
) -> None:
    """End one of the caller's own sessions (another user's does not exist for them)."""
    user_id = require_user(principal)
    session = ports.sessions.get(principal.org_id, session_id)
    if session is None or session.user_id != user_id:
        raise NotFoundError(f"no session {session_id[:40]!r}")
    if session.revoked_at is None:
        _end(session, "logout", ports, now)
        record_audit(
            entry_for(
                principal, "session.revoke", now, target_type="session", target_id=session.id
            ),
            ports,
        )


def end_all_sessions(
    org_id: str, user_id: str, reason: RevokedReason, ports: IdentityPorts, now: datetime
) -> None:
    for session in ports.sessions.list_active(org_id, user_id, now):
        forget_session(org_id, session.id, ports)
    ports.sessions.revoke_all(org_id, user_id, now, reason)


def start_session(
    user: User, client_address: str | None, ports: IdentityPorts, now: datetime
) -> TokenPair:
    session = Session(
        id=new_id(now),
        org_id=user.org_id,
        user_id=user.id,
        created_at=now,
        expires_at=now + ports.policy.session_max_age,
        last_used_at=now,
        client_address=client_address,
    )
    ports.sessions.add(session)
    return _issue(session, ports, now)


def _issue(session: Session, ports: IdentityPorts, now: datetime) -> TokenPair:
    policy = ports.policy
    secret = new_secret(REFRESH_TOKEN_PREFIX)
    refresh_expires = min(now + policy.refresh_ttl, session.expires_at)
    ports.refresh_tokens.add(
        RefreshToken(
            id=new_id(now),
            session_id=session.id,
            org_id=session.org_id,
            user_id=session.user_id,
            token_hash=secret_hash(secret),
            created_at=now,
            expires_at=refresh_expires,
        )
    )
    access_expires = min(now + policy.access_ttl, session.expires_at)
    claims = AccessClaims(
        sub=session.user_id,
        org=session.org_id,
        sid=session.id,
        iat=int(now.timestamp()),
        exp=int(access_expires.timestamp()),
        jti=new_id(now),
    )
    return TokenPair(
        access_token=ports.tokens.encode(claims),
        expires_in=int((access_expires - now).total_seconds()),
        refresh_token=secret,
        refresh_expires_in=int((refresh_expires - now).total_seconds()),
    )


def _end(session: Session, reason: RevokedReason, ports: IdentityPorts, now: datetime) -> None:
    ports.sessions.revoke(session.org_id, session.id, now, reason)
    forget_session(session.org_id, session.id, ports)
