"""Onboarding: registry entry, default configuration, broker identity, provisioning package.

Creating devices is all or nothing: a failure at any step undoes the steps before it, so no
device, shadow or broker identity is left half made. The password exists only in the returned
packages; the registry keeps its scrypt hash.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from contextlib import suppress

from iotsphere.domain.devices import credentials
from iotsphere.domain.devices.device import ConnectionEvent, Device, DeviceStatus
from iotsphere.domain.devices.device_type import DeviceType
from iotsphere.domain.devices.messages import NewDevice, ProvisioningPackage, StatusMessage
from iotsphere.domain.devices.shadow import Shadow, ShadowRevision
from iotsphere.domain.devices.topics import DeviceTopics
from iotsphere.services.devices.errors import InvalidInputError, NameTakenError
from iotsphere.services.devices.ports import DevicePorts
from iotsphere.services.devices.registry import change_device

ONBOARDED_BY = "onboarding"


def check_new_devices(
    org_id: str, new: Sequence[NewDevice], ports: DevicePorts, taken: set[str] | None = None
) -> list[str]:
    """Per device, what stops it from being created ("" when nothing does). ``taken``: the
    names already in use, when the caller has read them."""
    types = {t: ports.types.get(org_id, t) for t in {d.device_type for d in new}}
    if taken is None:
        taken = ports.devices.names_taken(org_id, [d.name for d in new])
    given = Counter(d.name for d in new)
    problems = []
    for device in new:
        reasons = []
        if types[device.device_type] is None:
            reasons.append(f"device_type: no device type {device.device_type!r}")
        if device.name in taken:
            reasons.append(f"name: a device named {device.name!r} exists already")
        if given[device.name] > 1:
            reasons.append(f"name: {device.name!r} is given {given[device.name]} times")
        problems.append("; ".join(reasons))
    return problems


def onboard_devices(
    org_id: str, new: Sequence[NewDevice], ports: DevicePorts, *, device_ids: Sequence[str] = ()
) -> list[ProvisioningPackage]:
    """Create devices with their default configuration and credentials; one package each."""
    if not new:
        return []
    taken = ports.devices.names_taken(org_id, [d.name for d in new])
    for index, device in enumerate(new):
        if device.name in taken:
            raise NameTakenError(f"devices[{index}].name", device.name)
    for index, problem in enumerate(check_new_devices(org_id, new, ports, taken)):
        if problem:
            raise InvalidInputError(f"devices[{index}]", problem)
    now = ports.clock()
    ids = list(device_ids) or [f"d{ports.new_id()}" for _ in new]
    passwords = [credentials.new_password() for _ in new]
    devices = [
        Device(
            **body.model_dump(exclude={"version"}),
            id=device_id,
            org_id=org_id,
            created_at=now,
            status_changed_at=now,
            credential_hash=credentials.hash_password(password),
        )
        for body, device_id, password in zip(new, ids, passwords, strict=True)
    ]
    types = {d.device_type: ports.types.get(org_id, d.device_type) for d in devices}
    shadows = [
        Shadow(
            org_id=org_id,
            device_id=d.id,
            desired=_default_config(types[d.device_type]),
            desired_version=1,
            desired_at=now,
        )
        for d in devices
    ]
    _store_all(devices, shadows, passwords, ports)
    for shadow in shadows:
        ports.shadows.add_revision(ShadowRevision.of(shadow, "desired", None, ONBOARDED_BY, now))
    return [package(d, p, ports) for d, p in zip(devices, passwords, strict=True)]


def _default_config(device_type: DeviceType | None) -> dict[str, object]:
    return dict(device_type.default_config) if device_type else {}


def _store_all(
    devices: list[Device], shadows: list[Shadow], passwords: list[str], ports: DevicePorts
) -> None:
    org_id = devices[0].org_id
    ids = [d.id for d in devices]
    ports.devices.add(devices)
    added: list[str] = []
    try:
        ports.shadows.add(shadows)
        for device, password in zip(devices, passwords, strict=True):
            ports.broker.add(device.id, password)
            added.append(device.id)
    except BaseException:
        # every step of the undo is tried even if one fails; the original error is raised
        for device_id in added:
            with suppress(Exception):
                ports.broker.remove(device_id)
        with suppress(Exception):
            ports.shadows.remove(org_id, ids)
        with suppress(Exception):
            ports.devices.remove(org_id, ids)
        raise


def package(device: Device, password: str, ports: DevicePorts) -> ProvisioningPackage:
    """What the device needs to connect, with the one copy of its password."""
    return ProvisioningPackage(
        device_id=device.id,
        org_id=device.org_id,
        broker=ports.endpoint,
        client_id=device.id,
        username=device.id,
        password=password,
        topics=DeviceTopics.of(device.id),
        birth=StatusMessage(state="online", session="<per connection>"),
        last_will=StatusMessage(state="offline", session="<per connection>", reason="last will"),
        firmware_public_key=ports.firmware_public_key,
    )


def _dropped(device: Device, reason: str, ports: DevicePorts) -> Device:
    """An online device whose connection the broker is about to drop, recorded offline: the
    broker kicks it without its last will, so no other message would say so."""
    if device.status is not DeviceStatus.ONLINE:
        return device
    births = [e for e in device.connection_history if e.kind == "online"]
    session = births[-1].session if births else ""
    event = ConnectionEvent(kind="offline", at=ports.clock(), session=session, reason=reason)
    return device.record_connection(event)


def revoke_credentials(org_id: str, device_id: str, ports: DevicePorts) -> None:
    """Refuse the device's connections from now on; its live one is dropped by the broker."""

    def revoke(device: Device) -> Device:
        revoked = device.model_copy(update={"credential_hash": ""})
        return _dropped(revoked, "credentials revoked", ports)

    change_device(org_id, device_id, revoke, ports)
    ports.broker.remove(device_id)


def reissue_credentials(org_id: str, device_id: str, ports: DevicePorts) -> ProvisioningPackage:
    """A new password (the old one stops working) and a new package."""
    password = credentials.new_password()
    hashed = credentials.hash_password(password)

    def rotate(device: Device) -> Device:
        if device.status is DeviceStatus.DECOMMISSIONED:
            raise InvalidInputError("device", f"{device.id} is decommissioned")
        rotated = device.model_copy(update={"credential_hash": hashed})
        return _dropped(rotated, "credentials reissued", ports)

    device = change_device(org_id, device_id, rotate, ports)
    ports.broker.remove(device_id)
    ports.broker.add(device_id, password)
    return package(device, password, ports)


def decommission_device(org_id: str, device_id: str, ports: DevicePorts) -> Device:
    """Retire a device for good: no connection, no credential; its records stay for audit."""
    now = ports.clock()

    def retire(device: Device) -> Device:
        if device.status is DeviceStatus.DECOMMISSIONED:
            return device
        return device.move_to(DeviceStatus.DECOMMISSIONED, now).model_copy(
            update={"credential_hash": ""}
        )

    device = change_device(org_id, device_id, retire, ports)
    ports.broker.remove(device_id)
    return device
