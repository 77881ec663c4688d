"""Opaque secrets: refresh tokens, API keys, invitation tokens.

A secret is 256 random bits behind a prefix that names its kind; only its SHA-256 is
stored. A fast hash is enough for a secret that random (nobody can guess one), and it lets the
store find a secret by its hash with an index. Passwords, chosen by people, get argon2id instead.
"""

from __future__ import annotations

import hashlib
import secrets

REFRESH_TOKEN_PREFIX = "rt_"  # noqa: S105 (a prefix, not a secret)
API_KEY_PREFIX = "isk_"
INVITATION_PREFIX = "inv_"
SHOWN_PREFIX_CHARS = 12


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def shown_prefix(secret: str) -> str:
    """The beginning of a secret, enough to recognise it in a list and far too little to use."""
    return secret[:SHOWN_PREFIX_CHARS]
