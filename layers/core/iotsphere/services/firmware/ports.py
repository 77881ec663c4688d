"""What the firmware services need from outside; adapters implement these, fakes in tests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from iotsphere.domain.firmware.release import Release


class ManifestSigner(Protocol):
    """Holds a private key and never hands it out: only signatures and the public half leave."""

    @property
    def key_id(self) -> str: ...

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of ``message``."""

    def public_key(self) -> bytes:
        """The raw 32-byte public key, for provisioning packages."""


@dataclass(frozen=True)
class ImageInfo:
    size: int
    metadata: Mapping[str, str]


class FirmwareImages(Protocol):
    def describe(self, key: str) -> ImageInfo:
        """Size and user metadata; raises ``ImageNotFoundError``."""

    def read(self, key: str) -> Iterator[bytes]:
        """The image in chunks; raises ``ImageNotFoundError``."""

    def put_manifest(self, key: str, data: bytes) -> None:
        """Store a signed manifest document under ``key``, replacing any."""

    def download_url(self, key: str, expires_in: timedelta) -> str:
        """A URL that fetches the image until ``expires_in`` has passed."""


class ReleaseStore(Protocol):
    def add(self, release: Release) -> Release:
        """Store if absent and return what is stored under its id (the first one wins).

        Raises ``ReleaseConflictError`` if the device type has another release of that version.
        """

    def get(self, org_id: str, release_id: str) -> Release:
        """Raises ``ReleaseNotFoundError``, for another organization's release too."""

    def list(self, org_id: str, device_type: str | None = None, limit: int = 100) -> list[Release]:
        """Newest first."""
