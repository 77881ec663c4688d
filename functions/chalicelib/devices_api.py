"""Device API, the registry: onboarding (the provisioning package is the one place a device's
password appears), search, changes, decommissioning and device credentials."""

from __future__ import annotations

from pydantic import Field

from chalicelib.device_paths import DevicePath
from chalicelib.device_search_query import DeviceSearchQuery
from chalicelib.http import Api, ProblemError, RequestContext
from chalicelib.http.problems import FieldProblem
from iotsphere import bootstrap
from iotsphere.domain.devices.csv_import import ImportReport
from iotsphere.domain.devices.messages import (
    DeviceChanges,
    DeviceCounts,
    DevicePage,
    DeviceView,
    Message,
    NewDevice,
    NewDevices,
    ProvisioningPackage,
)
from iotsphere.domain.identity.roles import Permission
from iotsphere.services.devices import counts, onboarding, registry
from iotsphere.services.devices.csv_import import import_devices_csv
from iotsphere.services.devices.errors import NameTakenError
from iotsphere.services.devices.views import device_view

api = Api(tag="devices", description="The registry: onboarding, search, credentials")
bp = api.blueprint


class ProvisioningPackages(Message):
    items: list[ProvisioningPackage] = Field(description="one per device; passwords shown once")


class CsvImport(Message):
    """A CSV file as text (the request body is capped at 256 KiB)."""

    csv: str = Field(
        min_length=1,
        description="header row: name, device_type (required), tags, groups (';'-separated), "
        "serial, firmware_version, metadata.<key>",
    )


class DevicesImported(Message):
    report: ImportReport
    packages: list[ProvisioningPackage] = Field(description="in file order; passwords shown once")


@api.route(
    "POST",
    "/devices",
    summary="Onboard a device: registry entry, default configuration, credentials",
    permission=Permission.OPERATE_DEVICES,
    body=NewDevice,
    response=ProvisioningPackage,
    status=201,
    problems=(409, 503),
)
def create_device(ctx: RequestContext, body: NewDevice) -> ProvisioningPackage:
    try:
        (package,) = onboarding.onboard_devices(ctx.caller.org_id, [body], bootstrap.device_ports())
    except NameTakenError as taken:  # one device: the name is the body's own field
        raise NameTakenError("name", taken.name) from None
    return package


@api.route(
    "POST",
    "/devices/batch",
    summary="Onboard many devices at once: all of them or none",
    permission=Permission.OPERATE_DEVICES,
    body=NewDevices,
    response=ProvisioningPackages,
    status=201,
    problems=(409, 503),
)
def create_devices(ctx: RequestContext, body: NewDevices) -> ProvisioningPackages:
    packages = onboarding.onboard_devices(ctx.caller.org_id, body.devices, bootstrap.device_ports())
    return ProvisioningPackages(items=packages)


@api.route(
    "POST",
    "/devices/import",
    summary="Onboard the devices of a CSV file: every row is judged, one bad row imports none",
    permission=Permission.OPERATE_DEVICES,
    body=CsvImport,
    response=DevicesImported,
    status=201,
    problems=(503,),
)
def import_devices(ctx: RequestContext, body: CsvImport) -> DevicesImported:
    report, packages = import_devices_csv(ctx.caller.org_id, body.csv, bootstrap.device_ports())
    if not report.imported:
        raise refused_import(report)
    return DevicesImported(report=report, packages=packages)


def refused_import(report: ImportReport) -> ProblemError:
    """A refused file as one problem: the file's own errors, then each bad row's."""
    problems = [FieldProblem(location="body.csv", message=e) for e in report.errors]
    problems += [
        FieldProblem(location=f"body.csv.row{row.row}", message=error)
        for row in report.rows
        for error in row.errors
    ]
    bad_rows = sum(row.status == "invalid" for row in report.rows)
    detail = (
        f"{bad_rows} of {len(report.rows)} rows are refused; nothing was imported"
        if bad_rows
        else f"the file is refused: {'; '.join(report.errors)}"
    )
    return ProblemError(422, detail, problems)


@api.route(
    "GET",
    "/devices",
    summary="Search devices: filters, one sort key, cursor pages of at most 200",
    permission=Permission.READ,
    query=DeviceSearchQuery,
    response=DevicePage,
)
def search_devices(ctx: RequestContext, query: DeviceSearchQuery) -> DevicePage:
    return registry.search_devices(
        ctx.caller.org_id, query.search(), query.cursor, bootstrap.device_ports()
    )


@api.route(
    "GET",
    "/devices/counts",
    summary="How many of the organization's devices are in each status, and never seen",
    permission=Permission.READ,
    response=DeviceCounts,
)
def count_devices(ctx: RequestContext) -> DeviceCounts:
    return counts.count_devices(ctx.caller.org_id, bootstrap.device_ports())


@api.route(
    "GET",
    "/devices/{device_id}",
    summary="One device",
    permission=Permission.READ,
    path_params=DevicePath,
    response=DeviceView,
)
def get_device(ctx: RequestContext, path: DevicePath) -> DeviceView:
    found = registry.get_device(ctx.caller.org_id, path.device_id, bootstrap.device_ports())
    return device_view(found)


@api.route(
    "PATCH",
    "/devices/{device_id}",
    summary="Change a device's name, tags, groups or metadata",
    permission=Permission.OPERATE_DEVICES,
    path_params=DevicePath,
    body=DeviceChanges,
    response=DeviceView,
    problems=(409,),
)
def update_device(ctx: RequestContext, path: DevicePath, body: DeviceChanges) -> DeviceView:
    return registry.update_device(ctx.caller.org_id, path.device_id, body, bootstrap.device_ports())


@api.route(
    "POST",
    "/devices/{device_id}/decommission",
    summary="Retire a device for good: its identity is removed, its records kept",
    permission=Permission.OPERATE_DEVICES,
    path_params=DevicePath,
    response=DeviceView,
    problems=(409, 503),
)
def decommission_device(ctx: RequestContext, path: DevicePath) -> DeviceView:
    retired = onboarding.decommission_device(
        ctx.caller.org_id, path.device_id, bootstrap.device_ports()
    )
    return device_view(retired)


@api.route(
    "POST",
    "/devices/{device_id}/credentials/revoke",
    summary="Revoke a device's credentials: new connections are refused, the live one dropped",
    permission=Permission.MANAGE_CREDENTIALS,
    path_params=DevicePath,
    status=204,
    problems=(409, 503),
)
def revoke_credentials(ctx: RequestContext, path: DevicePath) -> None:
    onboarding.revoke_credentials(ctx.caller.org_id, path.device_id, bootstrap.device_ports())


@api.route(
    "POST",
    "/devices/{device_id}/credentials",
    summary="Issue a new password (the old one stops working) in a new provisioning package",
    permission=Permission.MANAGE_CREDENTIALS,
    path_params=DevicePath,
    response=ProvisioningPackage,
    status=201,
    problems=(409, 503),
)
def reissue_credentials(ctx: RequestContext, path: DevicePath) -> ProvisioningPackage:
    return onboarding.reissue_credentials(
        ctx.caller.org_id, path.device_id, bootstrap.device_ports()
    )
