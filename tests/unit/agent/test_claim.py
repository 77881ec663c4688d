"""Claiming an identity with the shared claim credential; the answer is sealed to the device."""

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from iotsphere.agent.claim import ClaimError, claim_identity
from iotsphere.agent.transport import Outgoing
from iotsphere.domain.devices import topics
from iotsphere.domain.devices.claim_sealing import public_key_of, seal
from iotsphere.domain.devices.messages import ClaimRequest, ClaimResponse
from tests.unit.agent.fakes import FakeTransport, package

SERIAL = "SN-0042"


class ClaimPlatform(FakeTransport):
    """Answers each claim request it sees with what ``answer`` makes of it."""

    def __init__(self, answer) -> None:
        super().__init__()
        self.answer = answer

    def publish(self, message: Outgoing) -> None:
        super().publish(message)
        request = ClaimRequest.model_validate_json(message.payload)
        for response in self.answer(request):
            self.deliver(topics.claim_response(request.serial), response.model_dump_json().encode())


def accepted(request: ClaimRequest, to_key: str | None = None, nonce: str | None = None):
    sealed = seal(package("dclaimed01").model_dump_json().encode(), to_key or request.public_key)
    return ClaimResponse(
        serial=request.serial,
        nonce=nonce or request.nonce,
        status="accepted",
        sealed_package=sealed,
    )


def test_the_sealed_package_is_opened_with_the_devices_own_key():
    platform = ClaimPlatform(lambda request: [accepted(request)])
    claimed = claim_identity(SERIAL, platform)
    assert claimed.device_id == "dclaimed01"
    assert platform.subscriptions == [f"provisioning/claims/{SERIAL}/response"]
    assert [m.topic for m in platform.sent] == [f"provisioning/claims/{SERIAL}"]
    assert platform.will is None
    assert platform.stopped


def test_answers_to_other_claimers_are_ignored():
    other = public_key_of(X25519PrivateKey.generate())
    platform = ClaimPlatform(
        lambda request: [accepted(request, to_key=other, nonce="x" * 32), accepted(request)]
    )
    assert claim_identity(SERIAL, platform).device_id == "dclaimed01"


def test_a_replay_sends_the_same_key_so_the_platform_can_give_the_same_identity():
    keys = []
    platform = ClaimPlatform(lambda request: keys.append(request.public_key) or [accepted(request)])
    key = X25519PrivateKey.generate()
    claim_identity(SERIAL, platform, private_key=key)
    claim_identity(SERIAL, ClaimPlatform(platform.answer), private_key=key)
    assert keys == [public_key_of(key)] * 2


def test_a_refused_claim_says_why():
    def refuse(request):
        return [ClaimResponse(serial=request.serial, nonce=request.nonce, status="refused",
                              reason="serial 'SN-0042' is not on an allowlist")]  # fmt: skip

    with pytest.raises(ClaimError, match="not on an allowlist"):
        claim_identity(SERIAL, ClaimPlatform(refuse))


def test_a_package_sealed_to_another_key_cannot_be_opened():
    other = public_key_of(X25519PrivateKey.generate())
    platform = ClaimPlatform(lambda request: [accepted(request, to_key=other)])
    with pytest.raises(ClaimError, match="unreadable package"):
        claim_identity(SERIAL, platform)


def test_no_answer_is_an_error_and_the_connection_is_closed():
    platform = ClaimPlatform(lambda request: [])
    with pytest.raises(ClaimError, match="no answer"):
        claim_identity(SERIAL, platform, timeout_s=0.01)
    assert platform.stopped
