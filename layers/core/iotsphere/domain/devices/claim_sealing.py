"""Sealing a claim response to the claiming device's own key.

Every factory-flashed device shares the claim credential, so any of them could subscribe to any
claim response. The device therefore sends an X25519 public key with its claim, keeps the private
key, and the platform encrypts the provisioning package to it: ECDH with a fresh ephemeral key,
HKDF-SHA256, ChaCha20-Poly1305. Sealed form (base64url): ephemeral public key (32 bytes), nonce
(12 bytes), ciphertext with its tag.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from iotsphere.domain.devices.errors import DeviceDomainError

INFO = b"iotsphere claim response v1"
KEY_BYTES = 32
NONCE_BYTES = 12


class SealError(DeviceDomainError):
    """A key or a sealed message is malformed, or the message was not sealed to this key."""


def encode_key(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise SealError("not base64url") from exc


def public_key_of(private: X25519PrivateKey) -> str:
    return encode_key(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def _key(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(shared)


def seal(plaintext: bytes, recipient_public_key: str) -> str:
    raw = decode(recipient_public_key)
    if len(raw) != KEY_BYTES:
        raise SealError(f"a claim key is {KEY_BYTES} bytes, got {len(raw)}")
    ephemeral = X25519PrivateKey.generate()
    try:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(raw))
    except ValueError as exc:  # an all-zero (low order) key
        raise SealError("the claim key is not a usable X25519 key") from exc
    header = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    nonce = os.urandom(NONCE_BYTES)
    sealed = ChaCha20Poly1305(_key(shared)).encrypt(nonce, plaintext, header)
    return encode_key(header + nonce + sealed)


def unseal(sealed: str, private: X25519PrivateKey) -> bytes:
    """What the device agent does with a sealed response."""
    raw = decode(sealed)
    header, nonce, body = raw[:KEY_BYTES], raw[KEY_BYTES : KEY_BYTES + NONCE_BYTES], raw[44:]
    if len(body) < 16:
        raise SealError("sealed message is too short")
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(header))
        return ChaCha20Poly1305(_key(shared)).decrypt(nonce, body, header)
    except (InvalidTag, ValueError) as exc:
        raise SealError("not sealed to this key, or altered") from exc
