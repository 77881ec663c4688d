"""In-memory fakes of the firmware ports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from iotsphere.domain.firmware.release import Release
from iotsphere.services.firmware.errors import (
    ImageNotFoundError,
    ReleaseConflictError,
    ReleaseNotFoundError,
)
from iotsphere.services.firmware.ports import ImageInfo


class FakeImages:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.metadata: dict[str, dict[str, str]] = {}

    def upload(self, key: str, data: bytes, **metadata: str) -> None:
        self.objects[key] = data
        self.metadata[key] = metadata

    def describe(self, key: str) -> ImageInfo:
        if key not in self.objects:
            raise ImageNotFoundError(key)
        return ImageInfo(size=len(self.objects[key]), metadata=self.metadata.get(key, {}))

    def read(self, key: str) -> Iterator[bytes]:
        if key not in self.objects:
            raise ImageNotFoundError(key)
        data = self.objects[key]
        return iter([data[i : i + 4096] for i in range(0, len(data), 4096)])

    def put_manifest(self, key: str, data: bytes) -> None:
        self.objects[key] = data

    def download_url(self, key: str, expires_in: timedelta) -> str:
        return f"https://fake/{key}?expires={int(expires_in.total_seconds())}"


class FakeReleases:
    def __init__(self) -> None:
        self.releases: dict[str, Release] = {}

    def add(self, release: Release) -> Release:
        stored = self.releases.get(release.release_id)
        if stored is not None:
            return stored
        for other in self.releases.values():
            if (other.org_id, other.device_type, other.version) == (
                release.org_id,
                release.device_type,
                release.version,
            ):
                raise ReleaseConflictError(f"{release.device_type} {release.version} exists")
        self.releases[release.release_id] = release
        return release

    def get(self, org_id: str, release_id: str) -> Release:
        release = self.releases.get(release_id)
        if release is None or release.org_id != org_id:
            raise ReleaseNotFoundError(release_id)
        return release

    def list(self, org_id: str, device_type: str | None = None, limit: int = 100) -> list[Release]:
        found = [
            r
            for r in self.releases.values()
            if r.org_id == org_id and device_type in (None, r.device_type)
        ]
        return sorted(found, key=lambda r: r.created_at, reverse=True)[:limit]
