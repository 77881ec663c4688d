"""Every refusal a device makes, each with its own code; and the one path that accepts."""

import base64
import hashlib
import json
from datetime import timedelta

import pytest

from iotsphere.domain.firmware.errors import FirmwareRefusedError
from iotsphere.domain.firmware.refusals import RefusalCode
from iotsphere.domain.firmware.signatures import ManifestSignature, SignedManifest, TrustedKey
from iotsphere.domain.firmware.verification import ImageVerifier, verify_update
from tests.unit.firmware.factories import IMAGE, IMAGE_KEY, NOW, KeyPair, chunks, device, manifest

KEY = KeyPair()


def refusal(document, *, image=IMAGE, image_key=IMAGE_KEY, on=None, now=NOW, trusted=None):
    with pytest.raises(FirmwareRefusedError) as caught:
        verify_update(
            document,
            [KEY.trusted] if trusted is None else trusted,
            on or device(),
            now,
            image_key,
            chunks(image),
        )
    return caught.value.code


def test_a_signed_newer_release_for_this_device_is_accepted():
    signed = KEY.sign(manifest())
    accepted = verify_update(
        signed.model_dump_json(), [KEY.trusted], device(), NOW, IMAGE_KEY, chunks(IMAGE)
    )
    assert accepted.version == "1.3.0"


def test_unsigned():
    unsigned = SignedManifest(manifest=KEY.sign(manifest()).manifest)
    assert refusal(unsigned) is RefusalCode.UNSIGNED


def test_wrong_key():
    assert refusal(KeyPair().sign(manifest())) is RefusalCode.WRONG_KEY


def test_bad_signature_from_another_key_claiming_the_trusted_id():
    forged = KeyPair().sign(manifest())
    claimed = forged.model_copy(
        update={"signature": forged.signature.model_copy(update={"key_id": KEY.key_id})}
    )
    assert refusal(claimed) is RefusalCode.BAD_SIGNATURE


def test_bad_signature_when_the_manifest_was_edited_after_signing():
    signed = KEY.sign(manifest())
    edited = json.loads(signed.manifest)
    edited["firmware_family"] = "pump-v3"
    tampered = signed.model_copy(update={"manifest": json.dumps(edited)})
    assert refusal(tampered, on=device(firmware_family="pump-v3")) is RefusalCode.BAD_SIGNATURE


def test_bad_signature_that_is_not_base64_of_64_bytes():
    signed = KEY.sign(manifest())
    short = signed.model_copy(
        update={"signature": ManifestSignature(key_id=KEY.key_id, value="AAAA")}
    )
    assert refusal(short) is RefusalCode.BAD_SIGNATURE


def test_malformed_document():
    assert refusal(b'{"v": 1, "manifest": 5}') is RefusalCode.MALFORMED_MANIFEST


def test_hash_mismatch():
    same_size_other_bytes = bytes(reversed(IMAGE))
    assert refusal(KEY.sign(manifest()), image=same_size_other_bytes) is RefusalCode.HASH_MISMATCH


def test_truncated_image():
    assert refusal(KEY.sign(manifest()), image=IMAGE[:-1]) is RefusalCode.TRUNCATED


def test_an_image_longer_than_its_manifest_is_oversize_and_stopped_at_the_extra_byte():
    verifier = ImageVerifier(manifest(), IMAGE_KEY)
    verifier.update(IMAGE)
    with pytest.raises(FirmwareRefusedError) as caught:
        verifier.update(b"x")
    assert caught.value.code is RefusalCode.OVERSIZE


def test_an_image_larger_than_the_device_holds_is_oversize_before_download():
    assert refusal(KEY.sign(manifest()), on=device(max_image_bytes=len(IMAGE) - 1)) is (
        RefusalCode.OVERSIZE
    )


def test_wrong_device_type():
    assert refusal(KEY.sign(manifest()), on=device(firmware_family="valve-v1")) is (
        RefusalCode.WRONG_DEVICE_TYPE
    )


def test_another_organizations_release():
    assert refusal(KEY.sign(manifest()), on=device(org_id="globex")) is (
        RefusalCode.WRONG_ORGANIZATION
    )


@pytest.mark.parametrize("running", ["1.3.0", "1.3.1", "2.0.0", "1.3.0+other-build"])
def test_older_or_same_version_is_anti_rollback(running):
    assert refusal(KEY.sign(manifest()), on=device(current_version=running)) is (
        RefusalCode.ANTI_ROLLBACK
    )


def test_a_device_below_the_minimum_version_is_refused():
    signed = KEY.sign(manifest(min_version="1.2.0"))
    assert refusal(signed, on=device(current_version="1.1.9")) is (
        RefusalCode.BELOW_MINIMUM_VERSION
    )


def test_expired_manifest():
    signed = KEY.sign(manifest())
    assert refusal(signed, now=NOW + timedelta(days=30)) is RefusalCode.EXPIRED


def test_a_manifest_paired_with_another_releases_image():
    other_image = b"another release" * 100
    other_key = "firmware/acme/pump-v2/1.4.0/pump.bin"
    assert refusal(KEY.sign(manifest()), image=other_image, image_key=other_key) is (
        RefusalCode.RELEASE_MISMATCH
    )


def test_the_refusal_says_precisely_why():
    with pytest.raises(FirmwareRefusedError, match=r"^hash_mismatch: the image's SHA-256 is "):
        verify_update(KEY.sign(manifest()), [KEY.trusted], device(), NOW, IMAGE_KEY, [IMAGE[::-1]])


def test_a_second_trusted_key_is_accepted_during_a_rotation():
    new = KeyPair()
    signed = new.sign(manifest(image_sha256=hashlib.sha256(IMAGE).hexdigest()))
    verify_update(signed, [KEY.trusted, new.trusted], device(), NOW, IMAGE_KEY, [IMAGE])


def test_a_provisioned_base64_public_key_becomes_the_trusted_key_with_its_id():
    provisioned = base64.b64encode(KEY.public).decode()
    assert TrustedKey.from_base64(provisioned) == KEY.trusted
    for bad in ("not base64!", base64.b64encode(b"short").decode()):
        with pytest.raises(ValueError, match="base64 of 32 bytes"):
            TrustedKey.from_base64(bad)
