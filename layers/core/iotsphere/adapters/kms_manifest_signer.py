"""The cloud signer: an AWS KMS key of spec ECC_NIST_EDWARDS25519 signs with ED25519_SHA_512.

The private key never leaves KMS; the public half is fetched once (DER) and kept raw for
provisioning packages. KMS signs a RAW message of at most 4096 bytes, far above a manifest.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_der_public_key,
)

from iotsphere.domain.firmware.signatures import key_id_of
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.firmware.errors import SigningKeyError

ALGORITHM = "ED25519_SHA_512"
MAX_MESSAGE_BYTES = 4096


class KmsManifestSigner:
    def __init__(self, kms: Any, key_arn: str) -> None:
        self._kms = kms
        self._key_arn = key_arn

    @cached_property
    def _public(self) -> bytes:
        try:
            answer = self._kms.get_public_key(KeyId=self._key_arn)
        except (BotoCoreError, ClientError) as exc:
            raise SigningKeyError(f"KMS key {self._key_arn} cannot be read: {exc}") from exc
        if ALGORITHM not in answer.get("SigningAlgorithms", []):
            raise SigningKeyError(f"KMS key {self._key_arn} does not sign with {ALGORITHM}")
        key = load_der_public_key(answer["PublicKey"])
        if not isinstance(key, Ed25519PublicKey):
            raise SigningKeyError(f"KMS key {self._key_arn} is not an Ed25519 key")
        return key.public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def key_id(self) -> str:
        return key_id_of(self._public)

    def public_key(self) -> bytes:
        return self._public

    def sign(self, message: bytes) -> bytes:
        if len(message) > MAX_MESSAGE_BYTES:
            raise SigningKeyError(f"KMS signs at most {MAX_MESSAGE_BYTES} bytes of raw message")
        try:
            answer = self._kms.sign(
                KeyId=self._key_arn,
                Message=message,
                MessageType="RAW",
                SigningAlgorithm=ALGORITHM,
            )
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailableError(f"KMS signing failed: {exc}") from exc
        signature = bytes(answer["Signature"])
        Ed25519PublicKey.from_public_bytes(self._public).verify(signature, message)
        return signature
