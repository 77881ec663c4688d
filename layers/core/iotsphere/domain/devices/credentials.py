"""Device passwords: generated once, shown once, kept only as a salted scrypt hash.

The stored form is ``scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`` so the cost can change later without
invalidating what is stored. The cost is low on purpose (about 2 ms): a 256-bit random password
cannot be guessed whatever the hash costs, while onboarding 1000 devices from one CSV file must fit
in one HTTP request. A human-chosen password would need a far higher cost.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "scrypt"
COST_N = 2**10
BLOCK_R = 8
PARALLEL_P = 1
PASSWORD_BYTES = 32


def new_password() -> str:
    """A random password of 256 bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(PASSWORD_BYTES)


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=COST_N, r=BLOCK_R, p=PARALLEL_P, dklen=32
    )
    return f"{SCHEME}${COST_N}${BLOCK_R}${PARALLEL_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``; a malformed ``stored`` never matches."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != SCHEME:
            return False
        digest = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)
