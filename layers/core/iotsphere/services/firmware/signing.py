"""Sign an uploaded image: hash it, sign its manifest, store the manifest next to it, record it.

Signing is idempotent: the same bytes under the same key make the same release id, so an S3
event delivered twice records one release and writes the manifest the store kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import ValidationError

from iotsphere.domain.firmware.errors import InvalidManifestError
from iotsphere.domain.firmware.manifest import FirmwareManifest, canonical_bytes, manifest_key
from iotsphere.domain.firmware.release import Release, locate_image, release_id_of
from iotsphere.domain.firmware.signatures import SignedManifest
from iotsphere.services.firmware.errors import InvalidImageError
from iotsphere.services.firmware.ports import FirmwareImages, ManifestSigner, ReleaseStore

MIN_VERSION_METADATA = "min-version"


@dataclass(frozen=True)
class SigningPolicy:
    validity: timedelta = timedelta(days=90)
    max_image_bytes: int = 256 * 1024 * 1024


@dataclass(frozen=True)
class SigningPorts:
    images: FirmwareImages
    releases: ReleaseStore
    signer: ManifestSigner
    policy: SigningPolicy


def hash_image(images: FirmwareImages, key: str, max_bytes: int) -> tuple[str, int]:
    """SHA-256 (hex) and size of an image, read as a stream."""
    digest = hashlib.sha256()
    size = 0
    for chunk in images.read(key):
        size += len(chunk)
        if size > max_bytes:
            raise InvalidImageError(f"{key!r} is larger than {max_bytes} bytes")
        digest.update(chunk)
    if size == 0:
        raise InvalidImageError(f"{key!r} is empty")
    return digest.hexdigest(), size


def sign_image(image_key: str, ports: SigningPorts, now: datetime) -> Release:
    try:
        location = locate_image(image_key)
    except InvalidManifestError as exc:
        raise InvalidImageError(str(exc)) from exc
    info = ports.images.describe(image_key)
    if info.size > ports.policy.max_image_bytes:
        raise InvalidImageError(
            f"{image_key!r} has {info.size} bytes; at most {ports.policy.max_image_bytes}"
        )
    sha256, size = hash_image(ports.images, image_key, ports.policy.max_image_bytes)
    try:
        manifest = FirmwareManifest(
            release_id=release_id_of(location.org_id, image_key, sha256),
            org_id=location.org_id,
            firmware_family=location.firmware_family,
            version=location.version,
            min_version=info.metadata.get(MIN_VERSION_METADATA) or None,
            image_key=image_key,
            image_sha256=sha256,
            image_size=size,
            created_at=now,
            expires_at=now + ports.policy.validity,
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise InvalidImageError(f"{image_key!r}: {where}: {error['msg']}") from exc
    signature = ports.signer.sign(canonical_bytes(manifest))
    stored = ports.releases.add(
        Release.of(manifest, SignedManifest.of(manifest, ports.signer.key_id, signature))
    )
    ports.images.put_manifest(manifest_key(image_key), stored.signed.model_dump_json().encode())
    return stored
