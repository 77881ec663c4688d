"""Provisioning by claim, for fleets flashed in a factory with one shared claim credential.

The claim credential may only publish to ``provisioning/claims/<serial>``. A serial on the
allowlist gets one identity, ever: the serial is bound to a fresh device id before anything else is
made (a conditional write, so concurrent replays race for one binding), and a replay of a claimed
serial is refused. If onboarding fails after the binding, the binding is released so the device
may try again. An operator releases a claimed serial by decommissioning its device.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from iotsphere.domain.devices import topics
from iotsphere.domain.devices.messages import ClaimRequest, NewDevice, ProvisioningPackage
from iotsphere.services.devices.errors import ClaimRefusedError, InvalidInputError
from iotsphere.services.devices.onboarding import onboard_devices
from iotsphere.services.devices.ports import AllowedSerial, DevicePorts
from iotsphere.services.devices.registry import get_device_type

MAX_SERIALS_PER_CALL = 5000


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
        ClaimRequest(serial=serial, nonce="x" * 16)  # the same rules as a claim
    entries = [AllowedSerial(serial=s, org_id=org_id, device_type=device_type) for s in serials]
    ports.claims.allow(entries)
    return entries


def claim_device(
    request: ClaimRequest, received_at: datetime, ports: DevicePorts
) -> ProvisioningPackage:
    """An identity for a serial on an allowlist, once; published to the claim response topic."""
    entry = ports.claims.get(request.serial)
    if entry is None:
        raise ClaimRefusedError(f"serial {request.serial!r} is not on an allowlist")
    device_id = f"d{ports.new_id()}"
    if entry.device_id is not None or not ports.claims.claim(
        request.serial, device_id, received_at
    ):
        raise ClaimRefusedError(f"serial {request.serial!r} was claimed already")
    new = NewDevice(name=request.serial, device_type=entry.device_type, serial=request.serial)
    try:
        (package,) = onboard_devices(entry.org_id, [new], ports, device_ids=[device_id])
    except BaseException:
        ports.claims.release(request.serial, device_id)
        raise
    ports.channel.publish(topics.claim_response(request.serial), package.model_dump_json())
    return package
