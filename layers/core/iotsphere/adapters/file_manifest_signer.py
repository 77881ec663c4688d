"""The local stack's signer: an Ed25519 private key in a PEM file only its owner can read.

The key lives outside the repository (the stack's home, or any path in settings); it is read once,
kept in memory, and never logged, returned or written anywhere else. In the cloud a KMS-backed
signer takes its place behind the same ``ManifestSigner`` port.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

from iotsphere.domain.firmware.signatures import key_id_of
from iotsphere.services.firmware.errors import SigningKeyError

KEY_FILE_MODE = 0o600


class FileManifestSigner:
    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self._public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._key_id = key_id_of(self._public)

    @classmethod
    def from_file(cls, path: Path) -> FileManifestSigner:
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                raise SigningKeyError(f"signing key {path} is not a regular file")
            if info.st_mode & 0o077:
                raise SigningKeyError(
                    f"signing key {path} is readable by others "
                    f"(mode {stat.S_IMODE(info.st_mode):o}); chmod 600 it"
                )
            key = load_pem_private_key(path.read_bytes(), password=None)
        except OSError as exc:
            raise SigningKeyError(f"signing key {path} cannot be read: {exc.strerror}") from exc
        except ValueError as exc:  # the message may quote the file: keep it out
            raise SigningKeyError(f"signing key {path} is not a PEM private key") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyError(f"signing key {path} is not an Ed25519 key")
        return cls(key)

    @property
    def key_id(self) -> str:
        return self._key_id

    def sign(self, message: bytes) -> bytes:
        return self._private_key.sign(message)

    def public_key(self) -> bytes:
        return self._public

    def __repr__(self) -> str:
        return f"FileManifestSigner(key_id={self._key_id!r})"


def generate_key_file(path: Path) -> str:
    """Write a new key readable by its owner only; refuse to replace one. Returns its key id."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    except FileExistsError as exc:
        raise SigningKeyError(f"signing key {path} exists already; not replaced") from exc
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return FileManifestSigner(key).key_id
