"""Signing against the test stack's LocalStack S3 and MongoDB-wire server: an upload becomes a
release whose manifest sits next to the image, and the presigned URL serves the signed bytes."""

import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import MongoClient

from iotsphere.adapters.aws import aws_client
from iotsphere.adapters.file_manifest_signer import FileManifestSigner, generate_key_file
from iotsphere.adapters.mongo_firmware_releases import COLLECTION, INDEXES, MongoReleaseStore
from iotsphere.adapters.s3_firmware_images import S3FirmwareImages
from iotsphere.domain.firmware.manifest import manifest_key
from iotsphere.domain.firmware.signatures import SignedManifest, TrustedKey
from iotsphere.domain.firmware.verification import DeviceFirmware, verify_update
from iotsphere.services.firmware.errors import ImageNotFoundError
from iotsphere.services.firmware.signing import SigningPolicy, SigningPorts, sign_image
from iotsphere.services.firmware.uploads import UploadRequest, request_upload

pytestmark = pytest.mark.integration
BUCKET = "iotsphere-firmware"
IMAGE = bytes(range(256)) * 4096 + b"tail"  # a little over 1 MiB: more than one read chunk


@pytest.fixture
def s3(settings):
    return aws_client("s3", settings)


@pytest.fixture
def ports(settings, s3, tmp_path):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    database = client[settings.mongo_database]
    for collection, keys, unique in INDEXES:
        database[collection].create_index(keys, unique=unique)
    generate_key_file(tmp_path / "firmware.pem")
    yield SigningPorts(
        images=S3FirmwareImages(s3, BUCKET),
        releases=MongoReleaseStore(database[COLLECTION]),
        signer=FileManifestSigner.from_file(tmp_path / "firmware.pem"),
        policy=SigningPolicy(max_image_bytes=4 * 1024 * 1024),
    )
    client.close()


def test_an_upload_is_signed_and_served_through_a_short_lived_url(s3, ports):
    org = f"org{uuid.uuid4().hex[:8]}"
    key = f"firmware/{org}/pump-v2/2.0.0/pump.bin"
    s3.put_object(Bucket=BUCKET, Key=key, Body=IMAGE, Metadata={"min-version": "1.0.0"})
    now = datetime.now(tz=UTC)
    release = sign_image(key, ports, now)
    assert (release.image_size, release.min_version) == (len(IMAGE), "1.0.0")
    assert ports.releases.get(org, release.release_id) == release
    stored = s3.get_object(Bucket=BUCKET, Key=manifest_key(key))["Body"].read()
    signed = SignedManifest.model_validate_json(stored)
    assert signed == release.signed
    url = ports.images.download_url(key, timedelta(minutes=15))
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our endpoint)
        downloaded = response.read()
    device = DeviceFirmware(
        org_id=org, firmware_family="pump-v2", current_version="1.0.0", max_image_bytes=1 << 22
    )
    trusted = [TrustedKey.of(ports.signer.public_key())]
    verify_update(signed, trusted, device, now, key, [downloaded])


def test_a_missing_image_is_not_found(ports):
    with pytest.raises(ImageNotFoundError):
        ports.images.describe(f"firmware/org{uuid.uuid4().hex[:8]}/pump-v2/1.0.0/absent.bin")


def test_an_image_put_through_an_upload_ticket_is_signed_with_its_minimum_version(s3, ports):
    org = f"org{uuid.uuid4().hex[:8]}"
    request = UploadRequest(
        firmware_family="pump-v2", version="3.0.0", file_name="pump.bin", min_version="2.0.0"
    )
    now = datetime.now(tz=UTC)
    ticket = request_upload(org, request, ports.images, ports.releases, now)
    put = urllib.request.Request(ticket.upload_url, data=IMAGE, method="PUT")  # noqa: S310
    with urllib.request.urlopen(put, timeout=10) as response:  # noqa: S310 (our endpoint)
        assert response.status == 200
    release = sign_image(ticket.image_key, ports, now)
    assert (release.org_id, release.version, release.min_version) == (org, "3.0.0", "2.0.0")
