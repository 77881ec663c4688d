"""A manifest with its Ed25519 signature, as stored next to the image and sent to devices."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.firmware.manifest import FirmwareManifest, canonical_bytes

ED25519_PUBLIC_KEY_BYTES = 32
ED25519_SIGNATURE_BYTES = 64
KeyId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]


class ManifestSignature(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    algorithm: Literal["ed25519"] = "ed25519"
    key_id: KeyId
    value: Annotated[str, Field(min_length=1, max_length=128)]  # base64 of 64 bytes

    def raw(self) -> bytes | None:
        """The signature bytes, or None when ``value`` is not base64 of 64 bytes."""
        try:
            raw = base64.b64decode(self.value, validate=True)
        except (binascii.Error, ValueError):
            return None
        return raw if len(raw) == ED25519_SIGNATURE_BYTES else None


class SignedManifest(BaseModel):
    """``manifest`` is the canonical JSON text exactly as signed; ``signature`` None = unsigned."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    manifest: Annotated[str, Field(min_length=2, max_length=8192)]
    signature: ManifestSignature | None = None

    @classmethod
    def of(cls, manifest: FirmwareManifest, key_id: str, signature: bytes) -> SignedManifest:
        return cls(
            manifest=canonical_bytes(manifest).decode("ascii"),
            signature=ManifestSignature(
                key_id=key_id, value=base64.b64encode(signature).decode("ascii")
            ),
        )


class TrustedKey(BaseModel):
    """A public key a device trusts, as the provisioning package carries it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key_id: KeyId
    public_key: Annotated[str, Field(min_length=1, max_length=64)]  # base64 of 32 raw bytes

    @classmethod
    def of(cls, public_key: bytes) -> TrustedKey:
        return cls(key_id=key_id_of(public_key), public_key=base64.b64encode(public_key).decode())

    @classmethod
    def from_base64(cls, public_key: str) -> TrustedKey:
        """The key as a provisioning package carries it (base64 of the raw 32 bytes)."""
        try:
            raw = base64.b64decode(public_key, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("a firmware public key is base64 of 32 bytes") from exc
        if len(raw) != ED25519_PUBLIC_KEY_BYTES:
            raise ValueError("a firmware public key is base64 of 32 bytes")
        return cls.of(raw)

    def raw(self) -> bytes:
        return base64.b64decode(self.public_key, validate=True)


def key_id_of(public_key: bytes) -> str:
    """A key's id is a digest of its public half: the same key always has the same id."""
    return "ed25519-" + hashlib.sha256(public_key).hexdigest()[:16]
