"""Passwords the stack generates once and keeps in ``<home>/secrets.json`` (mode 0600)."""

from __future__ import annotations

import json
import secrets as random_secrets
from pathlib import Path

from iotsphere.adapters.file_manifest_signer import FileManifestSigner, generate_key_file
from iotsphere.adapters.private_file import write_private_file
from iotsphere.domain.firmware.signatures import TrustedKey
from iotsphere.local.errors import StackError

SECRETS_FILE = "secrets.json"
FIRMWARE_KEY_FILE = "keys/firmware-signing.pem"
BRIDGE_USER = "iotsphere-bridge"
SIMULATOR_USER = "iotsphere-simulator"
BENCH_USER = "iotsphere-bench"  # measures the raw MQTT ceiling, on bench/# only
REGISTRY_USER = "iotsphere-registry"  # adds and removes device identities ($CONTROL only)
CLAIM_USER = "iotsphere-claim"  # shared by factory-flashed devices: the claim topics only
MQTT_USERS = (BRIDGE_USER, SIMULATOR_USER, BENCH_USER, REGISTRY_USER, CLAIM_USER)


def _read(file: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise StackError(f"{file}: unreadable ({exc}); delete it for new passwords") from exc
    if not isinstance(data, dict):
        raise StackError(f"{file}: not a JSON object; delete it to generate new passwords")
    return data


def _write(file: Path, data: dict[str, dict[str, str]]) -> None:
    write_private_file(file, json.dumps(data, indent=2, sort_keys=True))


def ensure_mqtt_passwords(home: Path, users: tuple[str, ...] = MQTT_USERS) -> dict[str, str]:
    """Every user's MQTT password, generating (once) the ones that are missing."""
    file = home / SECRETS_FILE
    data = _read(file)
    mqtt = dict(data.get("mqtt", {}))
    missing = [user for user in users if user not in mqtt]
    for user in missing:
        mqtt[user] = random_secrets.token_urlsafe(24)
    if missing or not file.exists():
        _write(file, {**data, "mqtt": mqtt})
    return {user: mqtt[user] for user in users}


def ensure_token_secret(home: Path) -> str:
    """The key that signs the API's access tokens, generated once per stack home."""
    file = home / SECRETS_FILE
    data = _read(file)
    api = dict(data.get("api", {}))
    if "token_secret" not in api:
        api["token_secret"] = random_secrets.token_urlsafe(48)
        _write(file, {**data, "api": api})
    return api["token_secret"]


def ensure_firmware_key(home: Path) -> Path:
    """The Ed25519 key that signs this stack's firmware manifests, generated once (mode 0600)."""
    key_file = home / FIRMWARE_KEY_FILE
    if not key_file.exists():
        generate_key_file(key_file)
    return key_file


def stack_secrets(home: Path) -> dict[str, str]:
    """The settings only this stack home knows, by settings field: the token-signing secret, the
    firmware key file (and its public half, which provisioning packages carry), the broker
    administrator's password. Generated once, kept in ``home``."""
    key_file = ensure_firmware_key(home)
    public_key = FileManifestSigner.from_file(key_file).public_key()
    return {
        "token_secret": ensure_token_secret(home),
        "firmware_key_file": str(key_file),
        "firmware_public_key": TrustedKey.of(public_key).public_key,
        "mqtt_registry_password": ensure_mqtt_passwords(home)[REGISTRY_USER],
    }


def mqtt_credentials(home: Path, user: str) -> tuple[str, str]:
    """``(username, password)`` of an MQTT user of the local stack, for the bridge and simulator."""
    file = home / SECRETS_FILE
    password = _read(file).get("mqtt", {}).get(user)
    if password is None:
        raise StackError(
            f"no MQTT password for {user!r} in {file}: start the stack first (iotsphere local up)"
        )
    return user, password
