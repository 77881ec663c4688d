"""The KMS signer against a stand-in client that holds an Ed25519 key as KMS would (moto does not
offer ECC_NIST_EDWARDS25519 keys)."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from iotsphere.adapters.kms_manifest_signer import KmsManifestSigner
from iotsphere.domain.firmware.signatures import key_id_of
from iotsphere.services.firmware.errors import SigningKeyError

ARN = "arn:aws:kms:us-east-1:000000000000:key/firmware"


class StandInKms:
    def __init__(self, key=None, algorithms=("ED25519_SHA_512",)):
        self.key = key or Ed25519PrivateKey.generate()
        self.algorithms = list(algorithms)
        self.calls = []

    def get_public_key(self, KeyId):
        der = self.key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        return {"KeyId": KeyId, "PublicKey": der, "SigningAlgorithms": self.algorithms}

    def sign(self, KeyId, Message, MessageType, SigningAlgorithm):
        self.calls.append((KeyId, MessageType, SigningAlgorithm))
        return {"KeyId": KeyId, "Signature": self.key.sign(Message)}


def test_kms_signs_raw_messages_the_public_key_verifies():
    kms = StandInKms()
    signer = KmsManifestSigner(kms, ARN)
    signature = signer.sign(b"manifest")
    Ed25519PublicKey.from_public_bytes(signer.public_key()).verify(signature, b"manifest")
    assert signer.key_id == key_id_of(signer.public_key())
    assert kms.calls == [(ARN, "RAW", "ED25519_SHA_512")]


def test_a_key_that_is_not_ed25519_is_refused():
    with pytest.raises(SigningKeyError, match="does not sign with ED25519_SHA_512"):
        _ = KmsManifestSigner(StandInKms(algorithms=("ECDSA_SHA_256",)), ARN).key_id
    with pytest.raises(SigningKeyError, match="not an Ed25519 key"):
        _ = KmsManifestSigner(StandInKms(key=generate_private_key(SECP256R1())), ARN).key_id


def test_a_message_above_the_kms_limit_is_refused():
    with pytest.raises(SigningKeyError, match="at most 4096"):
        KmsManifestSigner(StandInKms(), ARN).sign(b"x" * 4097)
