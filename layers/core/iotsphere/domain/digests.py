"""Short stable digests of values: keys that make a repeated write or delivery idempotent, and
fingerprints that tell whether something changed."""

from __future__ import annotations

import hashlib


def digest(*parts: object) -> str:
    """32 hex characters of SHA-256 over the parts' text, NUL-separated."""
    return hashlib.sha256("\x00".join(str(part) for part in parts).encode()).hexdigest()[:32]
