import os

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from iotsphere.adapters.file_manifest_signer import FileManifestSigner, generate_key_file
from iotsphere.domain.firmware.signatures import key_id_of
from iotsphere.services.firmware.errors import SigningKeyError


def test_a_generated_key_is_owner_only_and_signs_what_its_public_key_verifies(tmp_path):
    path = tmp_path / "keys" / "firmware.pem"
    key_id = generate_key_file(path)
    assert os.stat(path).st_mode & 0o777 == 0o600
    signer = FileManifestSigner.from_file(path)
    assert signer.key_id == key_id == key_id_of(signer.public_key())
    Ed25519PublicKey.from_public_bytes(signer.public_key()).verify(signer.sign(b"m"), b"m")


def test_an_existing_key_is_never_replaced(tmp_path):
    path = tmp_path / "firmware.pem"
    generate_key_file(path)
    before = path.read_bytes()
    with pytest.raises(SigningKeyError, match="exists already"):
        generate_key_file(path)
    assert path.read_bytes() == before


def test_a_key_others_can_read_is_refused(tmp_path):
    path = tmp_path / "firmware.pem"
    generate_key_file(path)
    path.chmod(0o644)
    with pytest.raises(SigningKeyError, match="readable by others"):
        FileManifestSigner.from_file(path)


def test_a_missing_or_foreign_key_is_refused_without_quoting_the_file(tmp_path):
    with pytest.raises(SigningKeyError, match="cannot be read"):
        FileManifestSigner.from_file(tmp_path / "absent.pem")
    junk = tmp_path / "junk.pem"
    junk.write_text("SECRET-MATERIAL")
    junk.chmod(0o600)
    with pytest.raises(SigningKeyError) as caught:
        FileManifestSigner.from_file(junk)
    assert "SECRET-MATERIAL" not in str(caught.value)


def test_the_signer_never_shows_its_private_key(tmp_path):
    path = tmp_path / "firmware.pem"
    generate_key_file(path)
    signer = FileManifestSigner.from_file(path)
    assert repr(signer) == f"FileManifestSigner(key_id={signer.key_id!r})"
    assert not hasattr(signer, "private_key")
