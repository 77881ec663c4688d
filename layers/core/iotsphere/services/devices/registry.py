"""The registry: device types, reading, changing and searching devices, all in one organization."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from iotsphere.domain.devices.device import Device
from iotsphere.domain.devices.device_type import DeviceType
from iotsphere.domain.devices.errors import InvalidCursorError
from iotsphere.domain.devices.messages import DeviceChanges, DevicePage, DeviceView, NewDeviceType
from iotsphere.domain.devices.search import DeviceSearch
from iotsphere.services.devices.errors import ConflictError, InvalidInputError, NotFoundError
from iotsphere.services.devices.ports import DevicePorts
from iotsphere.services.devices.views import device_view

SAVE_ATTEMPTS = 5


def create_device_type(org_id: str, body: NewDeviceType, ports: DevicePorts) -> DeviceType:
    try:
        device_type = DeviceType(
            **body.model_dump(exclude={"version"}), org_id=org_id, created_at=ports.clock()
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InvalidInputError(".".join(map(str, error["loc"])) or "body", error["msg"]) from exc
    ports.types.add(device_type)
    return device_type


def get_device_type(org_id: str, type_id: str, ports: DevicePorts) -> DeviceType:
    device_type = ports.types.get(org_id, type_id)
    if device_type is None:
        raise NotFoundError(f"no device type {type_id!r}")
    return device_type


def list_device_types(org_id: str, ports: DevicePorts) -> list[DeviceType]:
    return ports.types.list(org_id)


def get_device(org_id: str, device_id: str, ports: DevicePorts) -> Device:
    device = ports.devices.get(org_id, device_id)
    if device is None:
        raise NotFoundError(f"no device {device_id!r}")
    return device


def change_device(
    org_id: str, device_id: str, change: Callable[[Device], Device], ports: DevicePorts
) -> Device:
    """Apply ``change`` to the stored device, re-reading and retrying when a save races."""
    for _ in range(SAVE_ATTEMPTS):
        saved = ports.devices.save(change(get_device(org_id, device_id, ports)))
        if saved is not None:
            return saved
    raise ConflictError(f"device {device_id} is changing too often; try again")


def update_device(
    org_id: str, device_id: str, changes: DeviceChanges, ports: DevicePorts
) -> DeviceView:
    fields = changes.model_dump(exclude={"version"}, exclude_none=True)
    renamed = "name" in fields and fields["name"] != get_device(org_id, device_id, ports).name
    if renamed and ports.devices.names_taken(org_id, [fields["name"]]):
        raise InvalidInputError("name", f"a device named {fields['name']!r} exists already")
    return device_view(
        change_device(org_id, device_id, lambda d: d.model_copy(update=fields), ports)
    )


def search_devices(
    org_id: str, search: DeviceSearch, cursor: str | None, ports: DevicePorts
) -> DevicePage:
    try:
        after = search.read_cursor(cursor) if cursor else None
    except InvalidCursorError as exc:
        raise InvalidInputError("cursor", str(exc)) from exc
    found = ports.devices.search(
        org_id, search.model_copy(update={"limit": search.limit + 1}), after
    )
    page = found[: search.limit]
    more = len(found) > search.limit
    return DevicePage(
        items=[device_view(d) for d in page],
        next_cursor=search.cursor_after(page[-1]) if more else None,
    )
