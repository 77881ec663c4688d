"""Alerts API, silences and maintenance windows: for a time, the alarms of a device, a group or a
rule are recorded but nobody is notified."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.http import Api, RequestContext
from chalicelib.http.clock import now
from iotsphere import bootstrap
from iotsphere.domain.alerting.rules import ID_PATTERN
from iotsphere.domain.alerting.silences import MAX_SILENCE, Silence
from iotsphere.domain.identity.paging import Page
from iotsphere.domain.identity.roles import Permission
from iotsphere.domain.timestamps import IsoDateTime
from iotsphere.services.alerting import listing, silence_admin

api = Api(tag="silences", description="Silences and maintenance windows: recorded, not notified")
bp = api.blueprint


class SilencePath(BaseModel):
    silence_id: str = Field(pattern=ID_PATTERN.pattern)


class SilenceDefinition(BaseModel):
    """A silence as created; its id, organization and author come from the platform."""

    model_config = ConfigDict(extra="forbid")

    v: Literal[1] = 1
    kind: Literal["device", "group", "rule"]
    value: Annotated[str, Field(min_length=1, max_length=128, description="its id or name")]
    starts_at: IsoDateTime
    ends_at: IsoDateTime = Field(description=f"after starts_at, at most {MAX_SILENCE.days} days")
    reason: Annotated[str, Field(max_length=500)] = ""


@api.route(
    "POST",
    "/silences",
    summary="Silence a device, a group or a rule for a time window",
    permission=Permission.MANAGE_RULES,
    body=SilenceDefinition,
    response=Silence,
    status=201,
)
def create_silence(ctx: RequestContext, body: SilenceDefinition) -> Silence:
    caller = ctx.caller
    store = bootstrap.alert_admin_ports().silences
    return silence_admin.create_silence(
        caller.org_id, body.model_dump(), caller.subject_id, store, now()
    )


@api.route(
    "GET",
    "/silences",
    summary="Silences by start time; those already over only when asked",
    permission=Permission.READ,
    query=listing.SilenceQuery,
    response=Page[Silence],
)
def list_silences(ctx: RequestContext, query: listing.SilenceQuery) -> Page[Silence]:
    store = bootstrap.alert_admin_ports().silences
    return listing.list_silences(ctx.caller.org_id, query, now(), store)


@api.route(
    "DELETE",
    "/silences/{silence_id}",
    summary="End a silence now by deleting it",
    permission=Permission.MANAGE_RULES,
    path_params=SilencePath,
    status=204,
)
def delete_silence(ctx: RequestContext, path: SilencePath) -> None:
    store = bootstrap.alert_admin_ports().silences
    silence_admin.delete_silence(ctx.caller.org_id, path.silence_id, store)
