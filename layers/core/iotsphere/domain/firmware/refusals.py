"""The codes a device reports when it refuses an update and keeps running its current version."""

from __future__ import annotations

from enum import StrEnum


class RefusalCode(StrEnum):
    UNSIGNED = "unsigned"
    WRONG_KEY = "wrong_key"
    BAD_SIGNATURE = "bad_signature"
    MALFORMED_MANIFEST = "malformed_manifest"
    EXPIRED = "expired"
    WRONG_ORGANIZATION = "wrong_organization"
    WRONG_DEVICE_TYPE = "wrong_device_type"
    ANTI_ROLLBACK = "anti_rollback"
    BELOW_MINIMUM_VERSION = "below_minimum_version"
    OVERSIZE = "oversize"
    RELEASE_MISMATCH = "release_mismatch"
    TRUNCATED = "truncated"
    HASH_MISMATCH = "hash_mismatch"
