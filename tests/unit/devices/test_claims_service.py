import pytest

from iotsphere.domain.devices import topics
from iotsphere.domain.devices.messages import ClaimRequest, ProvisioningPackage
from iotsphere.services.devices.claims import allow_serials, claim_device
from iotsphere.services.devices.errors import (
    AlreadyExistsError,
    ClaimRefusedError,
    InvalidInputError,
    NotFoundError,
)
from iotsphere.services.devices.registry import get_device
from iotsphere.services.errors import StoreUnavailableError
from tests.unit.devices.conftest import ORG, OTHER_ORG


def claim(serial="SN-1", nonce="n" * 16):
    return ClaimRequest(serial=serial, nonce=nonce)


def test_an_allowlisted_serial_gets_one_identity_and_its_package_on_the_response_topic(ports):
    allow_serials(ORG, "thermo", ["SN-1"], ports)
    package = claim_device(claim(), ports.clock(), ports)
    device = get_device(ORG, package.device_id, ports)
    assert (device.serial, device.name, device.device_type) == ("SN-1", "SN-1", "thermo")
    (payload,) = ports.channel.on(topics.claim_response("SN-1"))
    assert ProvisioningPackage.model_validate_json(payload) == package


def test_a_replayed_claim_is_refused_and_makes_no_second_identity(ports):
    allow_serials(ORG, "thermo", ["SN-1"], ports)
    claim_device(claim(), ports.clock(), ports)
    for nonce in ("n" * 16, "m" * 16):
        with pytest.raises(ClaimRefusedError, match="claimed already"):
            claim_device(claim(nonce=nonce), ports.clock(), ports)
    assert len(ports.devices.rows) == 1
    assert len(ports.broker.identities) == 1


def test_a_serial_not_on_any_allowlist_is_refused(ports):
    with pytest.raises(ClaimRefusedError, match="not on an allowlist"):
        claim_device(claim("SN-9"), ports.clock(), ports)
    assert ports.devices.rows == {}


def test_a_failed_onboarding_releases_the_serial_for_a_retry(ports):
    allow_serials(ORG, "thermo", ["SN-1"], ports)
    ports.shadows.down = True
    with pytest.raises(StoreUnavailableError):
        claim_device(claim(), ports.clock(), ports)
    ports.shadows.down = False
    package = claim_device(claim(), ports.clock(), ports)
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
