"""Device API, configuration: desired and reported state with their versions, the delta, the
history, templates of the device's type, and one change applied to many devices."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.device_paths import DevicePath, actor
from chalicelib.http import Api, RequestContext
from iotsphere import bootstrap
from iotsphere.domain.devices.fields import SLUG_PATTERN
from iotsphere.domain.devices.messages import (
    BulkConfigPatch,
    ConfigPatch,
    DeviceOutcome,
    Message,
    ShadowRevisionView,
    ShadowView,
)
from iotsphere.domain.identity.roles import Permission
from iotsphere.services.devices import configuration
from iotsphere.services.devices.views import revision_view

api = Api(tag="device-config", description="Desired and reported configuration, like a shadow")
bp = api.blueprint


class TemplatePath(DevicePath):
    template: str = Field(pattern=SLUG_PATTERN)


class HistoryQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    side: Literal["desired", "reported"] | None = Field(default=None, description="default both")
    limit: int = Field(default=50, ge=1, le=configuration.MAX_HISTORY)


class ConfigHistory(Message):
    items: list[ShadowRevisionView] = Field(description="newest first")


class ConfigOutcomes(Message):
    outcomes: list[DeviceOutcome]


@api.route(
    "GET",
    "/devices/{device_id}/config",
    summary="Desired and reported configuration, their versions and the delta",
    permission=Permission.READ,
    path_params=DevicePath,
    response=ShadowView,
)
def get_config(ctx: RequestContext, path: DevicePath) -> ShadowView:
    shadow = configuration.get_shadow(ctx.caller.org_id, path.device_id, bootstrap.device_ports())
    return configuration.shadow_view(shadow)


@api.route(
    "PATCH",
    "/devices/{device_id}/config/desired",
    summary="Merge a patch into the desired configuration (409 if expected_version is stale)",
    permission=Permission.OPERATE_DEVICES,
    path_params=DevicePath,
    body=ConfigPatch,
    response=ShadowView,
    problems=(409, 503),
)
def update_desired(ctx: RequestContext, path: DevicePath, body: ConfigPatch) -> ShadowView:
    return configuration.update_desired(
        ctx.caller.org_id, path.device_id, body, actor(ctx.caller), bootstrap.device_ports()
    )


@api.route(
    "POST",
    "/devices/{device_id}/config/templates/{template}",
    summary="Merge a named template of the device's type into its desired configuration",
    permission=Permission.OPERATE_DEVICES,
    path_params=TemplatePath,
    response=ShadowView,
    problems=(409, 503),
)
def apply_template(ctx: RequestContext, path: TemplatePath) -> ShadowView:
    return configuration.apply_template(
        ctx.caller.org_id,
        path.device_id,
        path.template,
        actor(ctx.caller),
        bootstrap.device_ports(),
    )


@api.route(
    "GET",
    "/devices/{device_id}/config/history",
    summary="Every accepted change of the configuration, newest first",
    permission=Permission.READ,
    path_params=DevicePath,
    query=HistoryQuery,
    response=ConfigHistory,
)
def get_config_history(ctx: RequestContext, path: DevicePath, query: HistoryQuery) -> ConfigHistory:
    revisions = configuration.history(
        ctx.caller.org_id, path.device_id, query.side, query.limit, bootstrap.device_ports()
    )
    return ConfigHistory(items=[revision_view(r) for r in revisions])


@api.route(
    "POST",
    "/bulk/config",
    summary="Apply a patch or a template to devices by id, group or tag; an outcome per device",
    permission=Permission.OPERATE_DEVICES,
    body=BulkConfigPatch,
    response=ConfigOutcomes,
    problems=(503,),
)
def apply_config_to_target(ctx: RequestContext, body: BulkConfigPatch) -> ConfigOutcomes:
    outcomes = configuration.apply_to_target(
        ctx.caller.org_id, body, actor(ctx.caller), bootstrap.device_ports()
    )
    return ConfigOutcomes(outcomes=outcomes)
