"""The release manifest: what a signature vouches for, in one canonical byte form.

A signature covers the exact bytes of ``canonical_bytes``: JSON with sorted keys, no spaces, ASCII
only, timestamps as whole UTC seconds (``2026-11-27T03:00:00Z``). The signed manifest carries those
bytes as a string, so a device verifies what was signed and only then parses it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)

from iotsphere.domain.devices.fields import OrgId, Slug
from iotsphere.domain.firmware.errors import InvalidManifestError
from iotsphere.domain.firmware.versions import SemVer, validate_version

MANIFEST_VERSION = 1
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
MANIFEST_SUFFIX = ".manifest.json"

Name = Annotated[str, Field(pattern=NAME_PATTERN)]
Version = Annotated[str, AfterValidator(validate_version)]


class FirmwareManifest(BaseModel):
    """One release of one firmware family (what device types declare as ``firmware_family``),
    bound to one image by hash and size."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    release_id: Name
    org_id: OrgId
    firmware_family: Slug
    version: Version
    min_version: Version | None = None
    image_key: Annotated[str, Field(min_length=1, max_length=1024)]
    image_sha256: Annotated[str, Field(pattern=SHA256_HEX.pattern)]
    image_size: Annotated[int, Field(gt=0, lt=2**53)]
    created_at: datetime
    expires_at: datetime

    @field_validator("created_at", "expires_at")
    @classmethod
    def _whole_utc_seconds(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("must carry a time zone")
        return value.astimezone(UTC).replace(microsecond=0)

    @model_validator(mode="after")
    def _consistent(self) -> FirmwareManifest:
        if self.expires_at <= self.created_at:
            raise ValueError("expires_at must be after created_at")
        if self.min_version is not None and SemVer.parse(self.min_version) > self.semver:
            raise ValueError("min_version must not be above version")
        return self

    @field_serializer("created_at", "expires_at")
    def _iso_z(self, value: datetime) -> str:
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def semver(self) -> SemVer:
        return SemVer.parse(self.version)


def canonical_bytes(manifest: FirmwareManifest) -> bytes:
    """The one byte form a signature covers."""
    return json.dumps(
        manifest.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode("ascii")


def parse_manifest(data: bytes | str) -> FirmwareManifest:
    try:
        return FirmwareManifest.model_validate_json(data)
    except ValueError as exc:
        raise InvalidManifestError(
            f"not a firmware manifest of version {MANIFEST_VERSION}: {str(exc).splitlines()[0]}"
        ) from exc


def manifest_key(image_key: str) -> str:
    """Where the signed manifest of an image is stored: next to it."""
    return image_key + MANIFEST_SUFFIX
