"""MQTT passwords: generated once, kept private, read back by the bridge and simulator."""

import stat
from pathlib import Path

import pytest

from iotsphere.local.errors import StackError
from iotsphere.local.secrets import (
    BENCH_USER,
    BRIDGE_USER,
    CLAIM_USER,
    REGISTRY_USER,
    SIMULATOR_USER,
    ensure_mqtt_passwords,
    mqtt_credentials,
)


def test_passwords_are_generated_once_random_and_kept(tmp_path: Path):
    first = ensure_mqtt_passwords(tmp_path)
    assert set(first) == {BRIDGE_USER, SIMULATOR_USER, BENCH_USER, REGISTRY_USER, CLAIM_USER}
    assert first[BRIDGE_USER] != first[SIMULATOR_USER]
    assert len(first[BRIDGE_USER]) >= 24
    assert ensure_mqtt_passwords(tmp_path) == first


def test_the_secrets_file_is_readable_by_its_owner_only(tmp_path: Path):
    ensure_mqtt_passwords(tmp_path)
    mode = stat.S_IMODE((tmp_path / "secrets.json").stat().st_mode)
    assert mode == 0o600


def test_credentials_read_back_for_the_bridge(tmp_path: Path):
    passwords = ensure_mqtt_passwords(tmp_path)
    assert mqtt_credentials(tmp_path, BRIDGE_USER) == (BRIDGE_USER, passwords[BRIDGE_USER])


def test_credentials_before_the_stack_ever_ran_say_what_to_do(tmp_path: Path):
    with pytest.raises(StackError, match="iotsphere local up"):
        mqtt_credentials(tmp_path, BRIDGE_USER)


def test_a_new_user_is_added_without_changing_the_others(tmp_path: Path):
    before = ensure_mqtt_passwords(tmp_path)
    after = ensure_mqtt_passwords(tmp_path, (BRIDGE_USER, SIMULATOR_USER, "iotsphere-extra"))
    assert after[BRIDGE_USER] == before[BRIDGE_USER]
    assert "iotsphere-extra" in after


def test_devices_get_the_public_half_of_the_firmware_key_and_nothing_else_of_it(tmp_path: Path):
    """The API puts the public key in provisioning packages; it never needs the private key file,
    so the stack hands the public half over as its own setting."""
    from iotsphere.adapters.file_manifest_signer import FileManifestSigner
    from iotsphere.domain.firmware.signatures import TrustedKey
    from iotsphere.local.secrets import stack_secrets

    secrets = stack_secrets(tmp_path)
    signer = FileManifestSigner.from_file(Path(secrets["firmware_key_file"]))
    assert secrets["firmware_public_key"] == TrustedKey.of(signer.public_key()).public_key
    assert "PRIVATE" not in secrets["firmware_public_key"]
    assert stack_secrets(tmp_path)["firmware_public_key"] == secrets["firmware_public_key"]
