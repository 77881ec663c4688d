"""Claiming an identity for a factory-flashed device: the device side of claim provisioning.

The device connects with the shared claim credential (its client id is fixed at the broker, so
claims are made one at a time), subscribes to the answer for its serial, then publishes a
``ClaimRequest`` with a fresh X25519 key. The accepted answer carries the provisioning package
sealed to that key: only this device can read it. Keep ``private_key`` to replay the claim after a
lost answer (the platform gives the same identity to the same key, with a new password).
"""

from __future__ import annotations

import secrets
import threading

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from pydantic import ValidationError

from iotsphere.agent.errors import AgentError
from iotsphere.agent.transport import MqttTransport, Outgoing
from iotsphere.domain.devices import topics
from iotsphere.domain.devices.claim_sealing import SealError, public_key_of, unseal
from iotsphere.domain.devices.messages import ClaimRequest, ClaimResponse, ProvisioningPackage


class ClaimError(AgentError):
    """The claim was refused, not answered in time, or its answer could not be opened."""


def open_answer(
    answer: ClaimResponse, request: ClaimRequest, private_key: X25519PrivateKey
) -> ProvisioningPackage:
    if answer.status == "refused":
        raise ClaimError(f"claim of {request.serial} refused: {answer.reason}")
    if answer.sealed_package is None:
        raise ClaimError(f"claim of {request.serial}: accepted without a package")
    try:
        return ProvisioningPackage.model_validate_json(unseal(answer.sealed_package, private_key))
    except (SealError, ValidationError) as exc:
        raise ClaimError(f"claim of {request.serial}: unreadable package ({exc})") from exc


def claim_identity(
    serial: str,
    transport: MqttTransport,
    private_key: X25519PrivateKey | None = None,
    timeout_s: float = 30.0,
) -> ProvisioningPackage:
    """The device's own provisioning package, claimed for ``serial`` over ``transport`` (the
    claim credential's connection, stopped before returning)."""
    key = private_key or X25519PrivateKey.generate()
    request = ClaimRequest(
        serial=serial, nonce=secrets.token_urlsafe(24), public_key=public_key_of(key)
    )
    answers: list[ClaimResponse] = []
    answered = threading.Event()

    def connected() -> None:
        transport.subscribe([topics.claim_response(serial)])  # before the request: no lost answer
        transport.publish(Outgoing(topics.claim_request(serial), request.model_dump_json()))

    def received(_topic: str, payload: bytes) -> None:
        try:
            answer = ClaimResponse.model_validate_json(payload)
        except ValidationError:
            return
        if answer.nonce == request.nonce:  # another claimer's answer, or an old one: not ours
            answers.append(answer)
            answered.set()

    transport.start(None, connected, received)
    try:
        if not answered.wait(timeout_s):
            raise ClaimError(f"claim of {serial}: no answer within {timeout_s:g} s")
    finally:
        transport.stop()
    return open_answer(answers[0], request, key)
