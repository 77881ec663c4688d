"""What a device accepts: the pure checks the device agent runs before and while it downloads.

``verify_offer`` runs on the signed manifest before a byte of the image is fetched;
``ImageVerifier`` runs on the image as it streams in (so an image longer than announced is
stopped at the first extra byte). Each refusal raises ``FirmwareRefusedError`` with the code the
agent reports back; the device keeps running its current version.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from iotsphere.domain.firmware.errors import (
    FirmwareRefusedError,
    InvalidManifestError,
    InvalidVersionError,
)
from iotsphere.domain.firmware.manifest import FirmwareManifest, parse_manifest
from iotsphere.domain.firmware.refusals import RefusalCode
from iotsphere.domain.firmware.signatures import SignedManifest, TrustedKey
from iotsphere.domain.firmware.versions import SemVer


@dataclass(frozen=True)
class DeviceFirmware:
    """What the device knows about itself when an offer arrives."""

    org_id: str
    firmware_family: str
    current_version: str
    max_image_bytes: int


def _refuse(code: RefusalCode, detail: str) -> FirmwareRefusedError:
    return FirmwareRefusedError(code, detail)


def _signed(document: SignedManifest | bytes | str) -> SignedManifest:
    if isinstance(document, SignedManifest):
        return document
    try:
        return SignedManifest.model_validate_json(document)
    except ValidationError as exc:
        raise _refuse(
            RefusalCode.MALFORMED_MANIFEST,
            f"not a signed manifest: {exc.errors()[0]['msg']}",
        ) from exc


def check_signature(signed: SignedManifest, trusted: Sequence[TrustedKey]) -> None:
    signature = signed.signature
    if signature is None:
        raise _refuse(RefusalCode.UNSIGNED, "the manifest carries no signature")
    key = next((k for k in trusted if k.key_id == signature.key_id), None)
    if key is None:
        raise _refuse(
            RefusalCode.WRONG_KEY, f"signed with key {signature.key_id!r}, which is not trusted"
        )
    raw = signature.raw()
    if raw is None:
        raise _refuse(RefusalCode.BAD_SIGNATURE, "the signature is not 64 bytes of base64")
    try:
        Ed25519PublicKey.from_public_bytes(key.raw()).verify(raw, signed.manifest.encode())
    except InvalidSignature as exc:
        raise _refuse(
            RefusalCode.BAD_SIGNATURE, f"the signature does not match key {key.key_id!r}"
        ) from exc


def check_fit(manifest: FirmwareManifest, device: DeviceFirmware, now: datetime) -> None:
    if now >= manifest.expires_at:
        raise _refuse(
            RefusalCode.EXPIRED, f"the manifest expired at {manifest.expires_at.isoformat()}"
        )
    if manifest.org_id != device.org_id:
        raise _refuse(RefusalCode.WRONG_ORGANIZATION, "the release belongs to another organization")
    if manifest.firmware_family != device.firmware_family:
        raise _refuse(
            RefusalCode.WRONG_DEVICE_TYPE,
            f"the release is for firmware family {manifest.firmware_family!r}, "
            f"this device runs {device.firmware_family!r}",
        )
    try:
        current = SemVer.parse(device.current_version)
    except InvalidVersionError:
        current = SemVer(0, 0, 0, ("unknown",))
    if manifest.semver <= current:
        relation = "the same as" if manifest.semver == current else "older than"
        raise _refuse(
            RefusalCode.ANTI_ROLLBACK,
            f"version {manifest.version} is {relation} the running {device.current_version}",
        )
    if manifest.min_version is not None and current < SemVer.parse(manifest.min_version):
        raise _refuse(
            RefusalCode.BELOW_MINIMUM_VERSION,
            f"the release needs at least {manifest.min_version} installed, "
            f"this device runs {device.current_version}",
        )
    if manifest.image_size > device.max_image_bytes:
        raise _refuse(
            RefusalCode.OVERSIZE,
            f"the image has {manifest.image_size} bytes; this device holds at most "
            f"{device.max_image_bytes}",
        )


def verify_offer(
    document: SignedManifest | bytes | str,
    trusted: Sequence[TrustedKey],
    device: DeviceFirmware,
    now: datetime,
) -> FirmwareManifest:
    """The manifest once its signature, expiry, target and version are all acceptable."""
    signed = _signed(document)
    check_signature(signed, trusted)
    try:
        manifest = parse_manifest(signed.manifest)
    except InvalidManifestError as exc:
        raise _refuse(RefusalCode.MALFORMED_MANIFEST, str(exc)) from exc
    check_fit(manifest, device, now)
    return manifest


class ImageVerifier:
    """Feed the image chunk by chunk as it downloads, then ``finish``."""

    def __init__(self, manifest: FirmwareManifest, image_key: str) -> None:
        if image_key != manifest.image_key:
            raise _refuse(
                RefusalCode.RELEASE_MISMATCH,
                f"the image {image_key!r} is not the one release {manifest.release_id} "
                f"signed ({manifest.image_key!r})",
            )
        self._manifest = manifest
        self._digest = hashlib.sha256()
        self._size = 0

    def update(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self._manifest.image_size:
            raise _refuse(
                RefusalCode.OVERSIZE,
                f"the image is longer than the {self._manifest.image_size} bytes in its manifest",
            )
        self._digest.update(chunk)

    def finish(self) -> None:
        if self._size < self._manifest.image_size:
            raise _refuse(
                RefusalCode.TRUNCATED,
                f"the image has {self._size} of the {self._manifest.image_size} bytes "
                "in its manifest",
            )
        if not hmac.compare_digest(self._digest.hexdigest(), self._manifest.image_sha256):
            raise _refuse(
                RefusalCode.HASH_MISMATCH,
                f"the image's SHA-256 is {self._digest.hexdigest()}, "
                f"its manifest says {self._manifest.image_sha256}",
            )


def verify_image(manifest: FirmwareManifest, image_key: str, chunks: Iterable[bytes]) -> None:
    verifier = ImageVerifier(manifest, image_key)
    for chunk in chunks:
        verifier.update(chunk)
    verifier.finish()


def verify_update(
    document: SignedManifest | bytes | str,
    trusted: Sequence[TrustedKey],
    device: DeviceFirmware,
    now: datetime,
    image_key: str,
    chunks: Iterable[bytes],
) -> FirmwareManifest:
    """Everything a device checks before it installs: offer first, then the image."""
    manifest = verify_offer(document, trusted, device, now)
    verify_image(manifest, image_key, chunks)
    return manifest
