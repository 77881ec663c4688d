"""Who is calling, from the ``Authorization`` header.

Two schemes: ``Bearer <access token>`` for people (a JWT from login or refresh) and
``ApiKey <key>`` for integrations (``isk_...``). An access token names its session; the session
and the user are re-read at least every ``policy.recheck_after``, so logging out, a password
change, removing a user or changing a role takes effect within that time, and the role is the
stored one, never the one the token was issued with. API keys are read on every request, so a
revoked key stops at once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from iotsphere.domain.identity.principal import Principal
from iotsphere.services.identity.errors import AuthenticationError
from iotsphere.services.identity.lookups import current_session, current_user
from iotsphere.services.identity.opaque import API_KEY_PREFIX, secret_hash
from iotsphere.services.identity.ports import IdentityPorts

MAX_CREDENTIAL_CHARS = 4096
SCHEMES = "'Bearer <access token>' or 'ApiKey <key>'"


def authenticate(
    authorization: str | None,
    ports: IdentityPorts,
    now: datetime,
    client_address: str | None = None,
) -> Principal:
    """The principal of a request; ``AuthenticationError`` for a missing or bad credential."""
    if not authorization or not authorization.strip():
        raise AuthenticationError(f"an Authorization header is required: {SCHEMES}")
    scheme, _, credential = authorization.strip().partition(" ")
    credential = credential.strip()
    if not credential or len(credential) > MAX_CREDENTIAL_CHARS:
        raise AuthenticationError(f"the Authorization header must read {SCHEMES}")
    match scheme.lower():
        case "bearer":
            return _from_access_token(credential, ports, now, client_address)
        case "apikey":
            return _from_api_key(credential, ports, now, client_address)
    raise AuthenticationError(f"unknown authorization scheme {scheme[:20]!r}; use {SCHEMES}")


def _from_access_token(
    token: str, ports: IdentityPorts, now: datetime, client_address: str | None
) -> Principal:
    claims = ports.tokens.decode(token)
    if now >= datetime.fromtimestamp(claims.exp, tz=UTC):
        raise AuthenticationError("the access token has expired; refresh it")
    session = current_session(claims.org, claims.sid, ports, now)
    if session is None or session.user_id != claims.sub or not session.active(now):
        raise AuthenticationError("the session has ended; log in again")
    user = current_user(claims.org, claims.sub, ports, now)
    if user is None:
        raise AuthenticationError("the session has ended; log in again")
    return Principal(
        org_id=user.org_id,
        subject_id=user.id,
        kind="user",
        role=user.role,
        session_id=session.id,
        client_address=client_address,
    )


def _from_api_key(
    key: str, ports: IdentityPorts, now: datetime, client_address: str | None
) -> Principal:
    record = (
        ports.api_keys.find_by_hash(secret_hash(key)) if key.startswith(API_KEY_PREFIX) else None
    )
    if record is None or record.revoked_at is not None:
        raise AuthenticationError("unknown or revoked API key")
    last = record.last_used_at
    if last is None or now - last >= ports.policy.last_used_resolution:
        ports.api_keys.touch(record.org_id, record.id, now)
    return Principal(
        org_id=record.org_id,
        subject_id=record.id,
        kind="api_key",
        role=record.role,
        client_address=client_address,
    )
