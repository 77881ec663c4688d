"""Provisioning by claim, for fleets flashed in a factory with one shared claim credential.

The claim credential may only publish to ``provisioning/claims/<serial>`` and read the responses.
A serial on the allowlist gets one identity, ever: the serial is bound to a fresh device id and to
the claim's public key before anything else is made (a conditional write, so concurrent claims race
for one binding). The answer is sealed to that key, so the other holders of the claim credential
cannot read it. A replay with the same key (the device lost the answer) gets the same identity with
a new password; a claim with another key is refused. If onboarding fails after the binding, the
binding is released so the device may try again. To let a serial claim again (a replaced board),
an operator decommissions its device and then releases the serial.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from iotsphere.domain.devices import topics
from iotsphere.domain.devices.claim_sealing import seal
from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.domain.devices.messages import (
    ClaimRequest,
    ClaimResponse,
    NewDevice,
    ProvisioningPackage,
)
from iotsphere.services.devices.errors import (
    ClaimRefusedError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from iotsphere.services.devices.onboarding import onboard_devices, reissue_credentials
from iotsphere.services.devices.ports import AllowedSerial, DevicePorts
from iotsphere.services.devices.registry import get_device, get_device_type

MAX_SERIALS_PER_CALL = 5000
SAMPLE_KEY = "A" * 43


def allow_serials(
    org_id: str, device_type: str, serials: Sequence[str], ports: DevicePorts
) -> list[AllowedSerial]:
    """Put serials on the organization's allowlist for devices of ``device_type``."""
    get_device_type(org_id, device_type, ports)
    if not 1 <= len(serials) <= MAX_SERIALS_PER_CALL:
        raise InvalidInputError("serials", f"give 1 to {MAX_SERIALS_PER_CALL} serials")
    if len(set(serials)) != len(serials):
        raise InvalidInputError("serials", "a serial is listed twice")
    for serial in serials:
        ClaimRequest(serial=serial, nonce="x" * 16, public_key=SAMPLE_KEY)  # a claim's rules
    entries = [AllowedSerial(serial=s, org_id=org_id, device_type=device_type) for s in serials]
    ports.claims.allow(entries)
    return entries


def claim_device(request: ClaimRequest, received_at: datetime, ports: DevicePorts) -> ClaimResponse:
    """Answer a claim on its response topic: the sealed package, or the refusal."""
    seal(b"", request.public_key)  # refuses an unusable key before anything is made
    try:
        package = _identity_for(request, received_at, ports)
    except ClaimRefusedError as exc:
        refusal = ClaimResponse(
            serial=request.serial, nonce=request.nonce, status="refused", reason=str(exc)
        )
        _respond(refusal, ports)
        raise
    sealed = seal(package.model_dump_json().encode(), request.public_key)
    response = ClaimResponse(
        serial=request.serial, nonce=request.nonce, status="accepted", sealed_package=sealed
    )
    _respond(response, ports)
    return response


def _respond(response: ClaimResponse, ports: DevicePorts) -> None:
    ports.channel.publish(topics.claim_response(response.serial), response.model_dump_json())


def _identity_for(
    request: ClaimRequest, received_at: datetime, ports: DevicePorts
) -> ProvisioningPackage:
    entry = ports.claims.get(request.serial)
    if entry is None:
        raise ClaimRefusedError(f"serial {request.serial!r} is not on an allowlist")
    if entry.device_id is None:
        device_id = f"d{ports.new_id()}"
        if ports.claims.claim(request.serial, device_id, request.public_key, received_at):
            return _onboard(entry, device_id, ports)
        entry = ports.claims.get(request.serial) or entry  # another claim won the race
    if entry.device_id is None or entry.claim_key != request.public_key:
        raise ClaimRefusedError(f"serial {request.serial!r} was claimed already")
    try:  # the same device again: it lost the answer, so a new password for the same identity
        return reissue_credentials(entry.org_id, entry.device_id, ports)
    except InvalidInputError as exc:
        raise ClaimRefusedError(f"serial {request.serial!r}: {exc.message}") from exc


def _onboard(entry: AllowedSerial, device_id: str, ports: DevicePorts) -> ProvisioningPackage:
    name = entry.serial  # or, when a retired device of this serial keeps the name, with its id
    if ports.devices.names_taken(entry.org_id, [name]):
        name = f"{entry.serial} {device_id}"
    new = NewDevice(name=name, device_type=entry.device_type, serial=entry.serial)
    try:
        (package,) = onboard_devices(entry.org_id, [new], ports, device_ids=[device_id])
    except BaseException:
        ports.claims.release(entry.serial, device_id)
        raise
    return package


def release_serial(org_id: str, serial: str, ports: DevicePorts) -> AllowedSerial:
    """Unbind a claimed serial whose device was decommissioned, so it may claim a new identity."""
    entry = ports.claims.get(serial)
    if entry is None or entry.org_id != org_id:
        raise NotFoundError(f"no serial {serial!r} on the allowlist")
    if entry.device_id is None:
        return entry
    if get_device(org_id, entry.device_id, ports).status is not DeviceStatus.DECOMMISSIONED:
        raise ConflictError(f"decommission device {entry.device_id} before releasing {serial!r}")
    ports.claims.release(serial, entry.device_id)
    return ports.claims.get(serial) or entry
