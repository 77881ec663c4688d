"""Device API, device types: the profile a fleet shares (default and schema of its
configuration, metrics, firmware family, templates)."""

from __future__ import annotations

from chalicelib.device_paths import DeviceTypePath
from chalicelib.http import Api, RequestContext
from iotsphere import bootstrap
from iotsphere.domain.devices.messages import (
    DeviceTypeChanges,
    DeviceTypeView,
    Message,
    NewDeviceType,
)
from iotsphere.domain.identity.roles import Permission
from iotsphere.services.devices import registry
from iotsphere.services.devices.views import device_type_view

api = Api(tag="device-types", description="Device profiles: configuration schema, metrics")
bp = api.blueprint


class DeviceTypeList(Message):
    items: list[DeviceTypeView]


@api.route(
    "POST",
    "/device-types",
    summary="Create a device type",
    permission=Permission.OPERATE_DEVICES,
    body=NewDeviceType,
    response=DeviceTypeView,
    status=201,
    problems=(409,),
)
def create_device_type(ctx: RequestContext, body: NewDeviceType) -> DeviceTypeView:
    created = registry.create_device_type(ctx.caller.org_id, body, bootstrap.device_ports())
    return device_type_view(created)


@api.route(
    "GET",
    "/device-types",
    summary="Every device type of the organization",
    permission=Permission.READ,
    response=DeviceTypeList,
)
def list_device_types(ctx: RequestContext) -> DeviceTypeList:
    found = registry.list_device_types(ctx.caller.org_id, bootstrap.device_ports())
    return DeviceTypeList(items=[device_type_view(t) for t in found])


@api.route(
    "GET",
    "/device-types/{type_id}",
    summary="One device type",
    permission=Permission.READ,
    path_params=DeviceTypePath,
    response=DeviceTypeView,
)
def get_device_type(ctx: RequestContext, path: DeviceTypePath) -> DeviceTypeView:
    found = registry.get_device_type(ctx.caller.org_id, path.type_id, bootstrap.device_ports())
    return device_type_view(found)


@api.route(
    "PATCH",
    "/device-types/{type_id}",
    summary="Change a device type; a new schema must still accept its devices' configuration",
    permission=Permission.OPERATE_DEVICES,
    path_params=DeviceTypePath,
    body=DeviceTypeChanges,
    response=DeviceTypeView,
)
def update_device_type(
    ctx: RequestContext, path: DeviceTypePath, body: DeviceTypeChanges
) -> DeviceTypeView:
    changed = registry.update_device_type(
        ctx.caller.org_id, path.type_id, body, bootstrap.device_ports()
    )
    return device_type_view(changed)
