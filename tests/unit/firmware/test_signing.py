import hashlib
import json
from datetime import timedelta

import pytest

from iotsphere.domain.firmware.manifest import parse_manifest
from iotsphere.domain.firmware.signatures import SignedManifest, TrustedKey
from iotsphere.domain.firmware.verification import verify_update
from iotsphere.services.firmware.errors import InvalidImageError, ReleaseConflictError
from iotsphere.services.firmware.signing import SigningPolicy, SigningPorts, sign_image
from tests.unit.firmware.factories import IMAGE, IMAGE_KEY, NOW, KeyPair, device
from tests.unit.firmware.fakes import FakeImages, FakeReleases


class KeyPairSigner:
    def __init__(self) -> None:
        self.pair = KeyPair()
        self.key_id = self.pair.key_id

    def sign(self, message: bytes) -> bytes:
        return self.pair.private.sign(message)

    def public_key(self) -> bytes:
        return self.pair.public


@pytest.fixture
def ports():
    images = FakeImages()
    images.upload(IMAGE_KEY, IMAGE)
    return SigningPorts(
        images=images,
        releases=FakeReleases(),
        signer=KeyPairSigner(),
        policy=SigningPolicy(validity=timedelta(days=30), max_image_bytes=1 << 20),
    )


def test_an_upload_becomes_a_signed_release_with_its_manifest_next_to_the_image(ports):
    release = sign_image(IMAGE_KEY, ports, NOW)
    assert (release.org_id, release.firmware_family, release.version) == (
        "acme",
        "pump-v2",
        "1.3.0",
    )
    assert release.image_sha256 == hashlib.sha256(IMAGE).hexdigest()
    assert release.image_size == len(IMAGE)
    assert release.expires_at == NOW + timedelta(days=30)
    stored = SignedManifest.model_validate_json(ports.images.objects[IMAGE_KEY + ".manifest.json"])
    assert stored == release.signed
    trusted = [TrustedKey.of(ports.signer.public_key())]
    verify_update(stored, trusted, device(), NOW, IMAGE_KEY, [IMAGE])


def test_signing_the_same_upload_twice_keeps_the_first_release(ports):
    first = sign_image(IMAGE_KEY, ports, NOW)
    again = sign_image(IMAGE_KEY, ports, NOW + timedelta(minutes=5))
    assert again == first
    assert list(ports.releases.releases) == [first.release_id]
    stored = json.loads(ports.images.objects[IMAGE_KEY + ".manifest.json"])
    assert stored["manifest"] == first.signed.manifest


def test_other_bytes_under_a_released_version_conflict(ports):
    sign_image(IMAGE_KEY, ports, NOW)
    ports.images.upload(IMAGE_KEY, IMAGE + b"patched")
    with pytest.raises(ReleaseConflictError):
        sign_image(IMAGE_KEY, ports, NOW)


def test_minimum_version_comes_from_the_object_metadata(ports):
    ports.images.upload(IMAGE_KEY, IMAGE, **{"min-version": "1.2.0"})
    release = sign_image(IMAGE_KEY, ports, NOW)
    assert parse_manifest(release.signed.manifest).min_version == "1.2.0"


@pytest.mark.parametrize(
    ("key", "data", "message"),
    [
        ("firmware/acme/pump.bin", IMAGE, "is not firmware/<organization>"),
        ("firmware/acme/pump-v2/1.3/pump.bin", IMAGE, "version: .*not a semantic version"),
        (IMAGE_KEY + ".manifest.json", b"{}", "is a manifest"),
        ("firmware/acme/pump-v2/1.4.0/empty.bin", b"", "is empty"),
        ("firmware/acme/pump-v2/1.5.0/huge.bin", b"x" * ((1 << 20) + 1), "bytes; at most"),
    ],
)
def test_an_upload_that_cannot_be_a_release_is_refused_with_the_reason(ports, key, data, message):
    ports.images.upload(key, data)
    with pytest.raises(InvalidImageError, match=message):
        sign_image(key, ports, NOW)
    assert ports.releases.releases == {}
