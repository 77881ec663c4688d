import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from iotsphere.domain.devices import topics
from iotsphere.domain.devices.claim_sealing import SealError, public_key_of, unseal
from iotsphere.domain.devices.messages import ClaimRequest, ClaimResponse, ProvisioningPackage
from iotsphere.services.devices.claims import allow_serials, claim_device, release_serial
from iotsphere.services.devices.errors import (
    AlreadyExistsError,
    ClaimRefusedError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from iotsphere.services.devices.onboarding import decommission_device
from iotsphere.services.devices.registry import get_device
from iotsphere.services.errors import StoreUnavailableError
from tests.unit.devices.builders import ORG, OTHER_ORG

DEVICE_KEY = X25519PrivateKey.generate()
ATTACKER_KEY = X25519PrivateKey.generate()


def claim(serial="SN-1", key=DEVICE_KEY, nonce="n" * 16):
    return ClaimRequest(serial=serial, nonce=nonce, public_key=public_key_of(key))


def opened(response: ClaimResponse, key=DEVICE_KEY) -> ProvisioningPackage:
    return ProvisioningPackage.model_validate_json(unseal(response.sealed_package, key))


def test_an_allowlisted_serial_gets_an_identity_sealed_to_its_key(ports):
    allow_serials(ORG, "thermo", ["SN-1"], ports)
    response = claim_device(claim(), ports.clock(), ports)
    package = opened(response)
    device = get_device(ORG, package.device_id, ports)
    assert (device.serial, device.name, device.device_type) == ("SN-1", "SN-1", "thermo")
    assert ports.broker.identities == {device.id: package.password}
    (payload,) = ports.channel.on(topics.claim_response("SN-1"))
    published = ClaimResponse.model_validate_json(payload)
    assert (published.status, published.nonce) == ("accepted", "n" * 16)
    assert package.password not in payload
    with pytest.raises(SealError):
        unseal(published.sealed_package, ATTACKER_KEY)


def test_a_replay_with_another_key_is_refused_and_makes_no_second_identity(ports):
    allow_serials(ORG, "thermo", ["SN-1"], ports)
    claim_device(claim(), ports.clock(), ports)
    with pytest.raises(ClaimRefusedError, match="claimed already"):
        claim_device(claim(key=ATTACKER_KEY), ports.clock(), ports)
    assert len(ports.devices.rows) == 1
    refusal = ClaimResponse.model_validate_json(ports.channel.on(topics.claim_response("SN-1"))[-1])
    assert (refusal.status, refusal.sealed_package) == ("refused", None)


def test_a_replay_with_the_same_key_gets_the_same_identity_with_a_new_password(ports):
    allow_serials(ORG, "thermo", ["SN-1"], ports)
    first = opened(claim_device(claim(), ports.clock(), ports))
    for _ in range(3):
        again = opened(claim_device(claim(), ports.clock(), ports))
    assert again.device_id == first.device_id
    assert again.password != first.password
    assert ports.broker.identities == {first.device_id: again.password}
    assert len(ports.devices.rows) == 1


def test_a_decommissioned_identity_is_not_handed_out_again(ports):
    allow_serials(ORG, "thermo", ["SN-1"], ports)
    package = opened(claim_device(claim(), ports.clock(), ports))
    decommission_device(ORG, package.device_id, ports)
    with pytest.raises(ClaimRefusedError, match="decommissioned"):
        claim_device(claim(), ports.clock(), ports)
    assert ports.broker.identities == {}


def test_a_serial_not_on_any_allowlist_is_refused(ports):
    with pytest.raises(ClaimRefusedError, match="not on an allowlist"):
        claim_device(claim("SN-9"), ports.clock(), ports)
    assert ports.devices.rows == {}


def test_an_unusable_key_is_refused_before_anything_is_made(ports):
    allow_serials(ORG, "thermo", ["SN-1"], ports)
    with pytest.raises(SealError):
        claim_device(
            ClaimRequest(serial="SN-1", nonce="n" * 16, public_key="A" * 43), ports.clock(), ports
        )
    assert ports.claims.get("SN-1").device_id is None


def test_a_failed_onboarding_releases_the_serial_for_a_retry(ports):
    allow_serials(ORG, "thermo", ["SN-1"], ports)
    ports.shadows.down = True
    with pytest.raises(StoreUnavailableError):
        claim_device(claim(), ports.clock(), ports)
    assert ports.claims.get("SN-1").device_id is None
    ports.shadows.down = False
    package = opened(claim_device(claim(key=ATTACKER_KEY), ports.clock(), ports), ATTACKER_KEY)
    assert ports.claims.get("SN-1").device_id == package.device_id


def test_allowlisting_checks_the_type_duplicates_and_serials_on_any_list(ports):
    with pytest.raises(NotFoundError):
        allow_serials(ORG, "nope", ["SN-1"], ports)
    with pytest.raises(InvalidInputError, match="listed twice"):
        allow_serials(ORG, "thermo", ["SN-1", "SN-1"], ports)
    allow_serials(ORG, "thermo", ["SN-1"], ports)
    with pytest.raises(AlreadyExistsError):
        allow_serials(OTHER_ORG, "thermo", ["SN-2", "SN-1"], ports)
    assert ports.claims.get("SN-2") is None


def test_a_serial_is_released_only_after_its_device_is_decommissioned(ports):
    allow_serials(ORG, "thermo", ["SN-1"], ports)
    first = opened(claim_device(claim(), ports.clock(), ports))
    with pytest.raises(ConflictError, match="decommission device"):
        release_serial(ORG, "SN-1", ports)
    with pytest.raises(NotFoundError):
        release_serial(OTHER_ORG, "SN-1", ports)
    decommission_device(ORG, first.device_id, ports)
    assert release_serial(ORG, "SN-1", ports).device_id is None
    second = opened(claim_device(claim(key=ATTACKER_KEY), ports.clock(), ports), ATTACKER_KEY)
    assert second.device_id != first.device_id
    assert get_device(ORG, second.device_id, ports).name == f"SN-1 {second.device_id}"
