"""A published release: its signed manifest and where its image is, owned by one organization."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.firmware.errors import InvalidManifestError
from iotsphere.domain.firmware.manifest import MANIFEST_SUFFIX, FirmwareManifest, parse_manifest
from iotsphere.domain.firmware.signatures import SignedManifest

IMAGE_PREFIX = "firmware/"
IMAGE_KEY = re.compile(
    r"^firmware/(?P<org_id>[A-Za-z0-9][A-Za-z0-9_.:-]{0,127})"
    r"/(?P<firmware_family>[A-Za-z0-9][A-Za-z0-9_.:-]{0,127})"
    r"/(?P<version>[^/]{1,64})/(?P<file>[^/]{1,255})$"
)


class Release(BaseModel):
    """What the platform keeps of a release: the manifest fields for queries, and the signed
    manifest exactly as devices receive it."""

    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    release_id: str
    org_id: str
    firmware_family: str
    version: str
    min_version: str | None
    image_key: str
    image_sha256: str
    image_size: int
    created_at: datetime
    expires_at: datetime
    key_id: str
    signed: SignedManifest

    @classmethod
    def of(cls, manifest: FirmwareManifest, signed: SignedManifest) -> Release:
        if signed.signature is None:
            raise InvalidManifestError("a release needs a signed manifest")
        return cls(
            key_id=signed.signature.key_id,
            signed=signed,
            **manifest.model_dump(exclude={"v"}),
        )

    @property
    def manifest(self) -> FirmwareManifest:
        return parse_manifest(self.signed.manifest)


@dataclass(frozen=True)
class ImageLocation:
    """An image key read as ``firmware/<org>/<firmware family>/<version>/<file>``."""

    org_id: str
    firmware_family: str
    version: str


def locate_image(key: str) -> ImageLocation:
    if key.endswith(MANIFEST_SUFFIX):
        raise InvalidManifestError(f"{key!r} is a manifest, not an image")
    match = IMAGE_KEY.fullmatch(key)
    if match is None:
        raise InvalidManifestError(
            f"{key[:300]!r} is not firmware/<organization>/<firmware family>/<version>/<file>"
        )
    return ImageLocation(match["org_id"], match["firmware_family"], match["version"])


def release_id_of(org_id: str, image_key: str, image_sha256: str) -> str:
    """The same image bytes under the same key always make the same release (idempotent signing)."""
    digest = hashlib.sha256(f"{org_id}\x00{image_key}\x00{image_sha256}".encode()).hexdigest()
    return "rel-" + digest[:24]
