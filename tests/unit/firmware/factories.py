"""Keys, manifests and signed offers for the firmware tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from iotsphere.domain.firmware.manifest import FirmwareManifest, canonical_bytes
from iotsphere.domain.firmware.signatures import SignedManifest, TrustedKey, key_id_of
from iotsphere.domain.firmware.verification import DeviceFirmware

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
IMAGE = bytes(range(256)) * 40
IMAGE_KEY = "firmware/acme/pump-v2/1.3.0/pump.bin"


class KeyPair:
    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        self.public = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id_of(self.public)
        self.trusted = TrustedKey.of(self.public)

    def sign(self, manifest: FirmwareManifest) -> SignedManifest:
        signature = self.private.sign(canonical_bytes(manifest))
        return SignedManifest.of(manifest, self.key_id, signature)


def manifest(**changes: Any) -> FirmwareManifest:
    fields: dict[str, Any] = {
        "release_id": "rel-1",
        "org_id": "acme",
        "firmware_family": "pump-v2",
        "version": "1.3.0",
        "image_key": IMAGE_KEY,
        "image_sha256": hashlib.sha256(IMAGE).hexdigest(),
        "image_size": len(IMAGE),
        "created_at": NOW - timedelta(hours=1),
        "expires_at": NOW + timedelta(days=30),
    }
    fields.update(changes)
    return FirmwareManifest(**fields)


def device(**changes: Any) -> DeviceFirmware:
    fields: dict[str, Any] = {
        "org_id": "acme",
        "firmware_family": "pump-v2",
        "current_version": "1.2.9",
        "max_image_bytes": 1 << 20,
    }
    fields.update(changes)
    return DeviceFirmware(**fields)


def chunks(data: bytes, size: int = 1000) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]
