"""Where an admin may upload an image: a presigned PUT URL under their own organization's prefix.

Nobody gets write access to the firmware bucket as such; the API hands out one URL per image, for
the caller's organization only, so an image can never land under another organization's prefix.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from iotsphere.domain.devices.fields import Slug
from iotsphere.domain.firmware.release import IMAGE_PREFIX
from iotsphere.domain.firmware.versions import SemVer, validate_version
from iotsphere.services.firmware.errors import ReleaseConflictError
from iotsphere.services.firmware.ports import FirmwareImages, ReleaseStore
from iotsphere.services.firmware.signing import MIN_VERSION_METADATA

UPLOAD_URL_TTL = timedelta(minutes=15)
Version = Annotated[str, AfterValidator(validate_version)]


class UploadRequest(BaseModel):
    """The body that asks for an upload URL."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    firmware_family: Slug
    version: Version
    file_name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}$")]
    min_version: Version | None = None


class UploadTicket(BaseModel):
    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    image_key: str
    upload_url: str
    expires_at: datetime


def request_upload(
    org_id: str,
    request: UploadRequest,
    images: FirmwareImages,
    releases: ReleaseStore,
    now: datetime,
) -> UploadTicket:
    """A URL to PUT the image bytes to, as they are (the metadata is part of the signed URL);
    signing follows the upload. A version the family has released
    already is refused now rather than after the upload."""
    released = {
        SemVer.parse(r.version)
        for r in releases.find(org_id, request.firmware_family, limit=10_000)
    }
    if SemVer.parse(request.version) in released:
        raise ReleaseConflictError(
            f"{request.firmware_family} {request.version} is released already; "
            "publish a new version"
        )
    key = f"{IMAGE_PREFIX}{org_id}/{request.firmware_family}/{request.version}/{request.file_name}"
    metadata = {} if request.min_version is None else {MIN_VERSION_METADATA: request.min_version}
    return UploadTicket(
        image_key=key,
        upload_url=images.upload_url(key, UPLOAD_URL_TTL, metadata),
        expires_at=now + UPLOAD_URL_TTL,
    )
