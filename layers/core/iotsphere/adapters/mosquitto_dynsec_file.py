"""The dynamic-security plugin's state file, bootstrapped before the broker starts.

The plugin owns the file while the broker runs (it rewrites it on every change, device clients
included). Before a start, ``bootstrap_state`` puts the platform's own identities and the default
ACL access into it and keeps everything else: running it again with the same passwords changes
nothing, and a changed password replaces only that identity's hash.

Hashes are the plugin's own: PBKDF2-HMAC-SHA512, 64 bytes, base64, with the salt and iteration
count stored beside them (Mosquitto 2.0.11 makes them with 101 iterations and checks any count).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iotsphere.adapters.mosquitto_roles import Acl
from iotsphere.adapters.private_file import write_private_file

ITERATIONS = 10_000
SALT_BYTES = 12

# What no role allows is denied, delivery included.
DEFAULT_ACL_ACCESS = {
    "publishClientSend": False,
    "publishClientReceive": False,
    "subscribe": False,
    "unsubscribe": True,
}


@dataclass(frozen=True)
class ServiceIdentity:
    """A platform identity: its own role (named after it) holding ``acls``; ``clientid`` fixes
    the client id it must connect with (None: any, for services that open several sessions)."""

    username: str
    password: str = field(repr=False)
    acls: Sequence[Acl]
    clientid: str | None = None


def hash_password(
    password: str, salt: bytes | None = None, iterations: int = ITERATIONS
) -> dict[str, Any]:
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations, 64)
    return {
        "password": base64.b64encode(digest).decode(),
        "salt": base64.b64encode(salt).decode(),
        "iterations": iterations,
    }


def password_matches(client: dict[str, Any], password: str) -> bool:
    try:
        salt = base64.b64decode(client["salt"])
        expected = hash_password(password, salt, int(client["iterations"]))["password"]
    except (KeyError, TypeError, ValueError):
        return False
    return hmac.compare_digest(expected, str(client.get("password", "")))


def role_of(identity: ServiceIdentity) -> str:
    return identity.username


def _client(identity: ServiceIdentity, stored: dict[str, Any] | None) -> dict[str, Any]:
    if stored is not None and password_matches(stored, identity.password):
        secret = {k: stored[k] for k in ("password", "salt", "iterations")}
    else:
        secret = hash_password(identity.password)
    client: dict[str, Any] = {
        "username": identity.username,
        **secret,
        "roles": [{"rolename": role_of(identity)}],
    }
    if identity.clientid is not None:
        client["clientid"] = identity.clientid
    return client


def bootstrap_state(
    state: dict[str, Any] | None, identities: Sequence[ServiceIdentity]
) -> dict[str, Any]:
    """``state`` with ``identities`` (client and role each) as given, the rest kept as it was."""
    state = state or {}
    names = {i.username for i in identities}
    stored = {c.get("username"): c for c in state.get("clients", [])}
    clients = [c for c in state.get("clients", []) if c.get("username") not in names]
    roles = [r for r in state.get("roles", []) if r.get("rolename") not in names]
    return {
        **state,
        "defaultACLAccess": dict(DEFAULT_ACL_ACCESS),
        "clients": [*(_client(i, stored.get(i.username)) for i in identities), *clients],
        "groups": state.get("groups", []),
        "roles": [*({"rolename": role_of(i), "acls": list(i.acls)} for i in identities), *roles],
    }


def read_state(file: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if not isinstance(data, dict):
        raise ValueError(f"{file}: not a dynamic-security state (a JSON object)")
    return data


def write_state(file: Path, state: dict[str, Any]) -> None:
    """Replace the file whole (mode 0600: it holds password hashes)."""
    write_private_file(file, json.dumps(state, indent=1, sort_keys=True))
