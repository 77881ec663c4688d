"""The registry: device types, reading, changing and searching devices, all in one organization."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from iotsphere.domain.devices.config_schema import schema_problems
from iotsphere.domain.devices.device import Device
from iotsphere.domain.devices.device_type import DeviceType
from iotsphere.domain.devices.errors import InvalidCursorError
from iotsphere.domain.devices.messages import (
    DeviceChanges,
    DevicePage,
    DeviceTypeChanges,
    DeviceView,
    NewDeviceType,
)
from iotsphere.domain.devices.search import MAX_PAGE_SIZE, DeviceSearch
from iotsphere.services.devices.errors import (
    ConflictError,
    InvalidInputError,
    NameTakenError,
    NotFoundError,
)
from iotsphere.services.devices.ports import DevicePorts
from iotsphere.services.devices.views import device_view

SAVE_ATTEMPTS = 5
MAX_LISTED_PROBLEMS = 20


def _device_type(fields: dict[str, Any]) -> DeviceType:
    try:
        return DeviceType.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InvalidInputError(".".join(map(str, error["loc"])) or "body", error["msg"]) from exc


def create_device_type(org_id: str, body: NewDeviceType, ports: DevicePorts) -> DeviceType:
    fields = body.model_dump(exclude={"version"}, by_alias=True)
    device_type = _device_type({**fields, "org_id": org_id, "created_at": ports.clock()})
    ports.types.add(device_type)
    return device_type


def update_device_type(
    org_id: str, type_id: str, changes: DeviceTypeChanges, ports: DevicePorts
) -> DeviceType:
    """Change a type; a new schema must still accept the desired configuration of its devices."""
    current = get_device_type(org_id, type_id, ports)
    fields = changes.model_dump(exclude={"version"}, exclude_none=True, by_alias=True)
    changed = _device_type({**current.model_dump(by_alias=True), **fields})
    if changes.config_schema is not None:
        broken = _devices_breaking(changed, ports)
        if broken:
            shown = "; ".join(broken[:MAX_LISTED_PROBLEMS])
            raise InvalidInputError(
                "config_schema", f"{len(broken)} devices' configuration would break it: {shown}"
            )
    if not ports.types.replace(changed):
        raise NotFoundError(f"no device type {type_id!r}")
    return changed


def _devices_breaking(device_type: DeviceType, ports: DevicePorts) -> list[str]:
    search = DeviceSearch(device_type=device_type.id, sort="id", limit=MAX_PAGE_SIZE)
    broken = []
    after = None
    while page := ports.devices.search(device_type.org_id, search, after):
        for device in page:
            shadow = ports.shadows.get(device.org_id, device.id)
            problems = schema_problems(device_type.config_schema, shadow.desired if shadow else {})
            if problems:
                broken.append(f"{device.id} ({problems[0]})")
        after = search.sort_key(page[-1])
    return broken


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
        raise NameTakenError("name", fields["name"])
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
