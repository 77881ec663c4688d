"""Alerts API, alarms: what the rules raised, and what people do about it (acknowledge, clear by
hand, assign, comment). The acting person is always the caller."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.http import Api, RequestContext
from chalicelib.http.clock import now
from iotsphere import bootstrap
from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.identity.fields import RecordId
from iotsphere.domain.identity.paging import Page
from iotsphere.domain.identity.roles import Permission
from iotsphere.services.alerting import alarm_actions, listing
from iotsphere.services.alerting.alarm_detail import AlarmDetail, alarm_detail

api = Api(tag="alarms", description="Alarms the rules raised: acknowledge, clear, assign, comment")
bp = api.blueprint

CONFLICTS = (409,)


class AlarmPath(BaseModel):
    alarm_id: str = Field(pattern=r"^[0-9a-f]{32}$")


class Assignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    v: Literal[1] = 1
    assignee: RecordId | None = Field(description="a user id of the organization; null: nobody")


class NewComment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    v: Literal[1] = 1
    text: str = Field(min_length=1, max_length=2000)


@api.route(
    "GET",
    "/alarms",
    summary="Alarms, open ones by default, latest activity first",
    permission=Permission.READ,
    query=listing.AlarmQuery,
    response=Page[Alarm],
)
def list_alarms(ctx: RequestContext, query: listing.AlarmQuery) -> Page[Alarm]:
    return listing.list_alarms(ctx.caller.org_id, query, bootstrap.alert_admin_ports().alarms)


@api.route(
    "GET",
    "/alarms/{alarm_id}",
    summary="One alarm with its comments and its latest transitions",
    permission=Permission.READ,
    path_params=AlarmPath,
    response=AlarmDetail,
)
def get_alarm(ctx: RequestContext, path: AlarmPath) -> AlarmDetail:
    return alarm_detail(ctx.caller.org_id, path.alarm_id, bootstrap.alert_admin_ports())


@api.route(
    "POST",
    "/alarms/{alarm_id}/ack",
    summary="Acknowledge an alarm; a second acknowledgement is a conflict",
    permission=Permission.MANAGE_ALARMS,
    path_params=AlarmPath,
    response=Alarm,
    problems=CONFLICTS,
)
def acknowledge_alarm(ctx: RequestContext, path: AlarmPath) -> Alarm:
    ports = bootstrap.alert_admin_ports().actions
    caller = ctx.caller
    return alarm_actions.acknowledge_alarm(
        caller.org_id, path.alarm_id, caller.subject_id, now(), ports
    )


@api.route(
    "POST",
    "/alarms/{alarm_id}/clear",
    summary="Clear an open alarm by hand; it rises again when its rule sets again",
    permission=Permission.MANAGE_ALARMS,
    path_params=AlarmPath,
    response=Alarm,
    problems=CONFLICTS,
)
def clear_alarm(ctx: RequestContext, path: AlarmPath) -> Alarm:
    ports = bootstrap.alert_admin_ports().actions
    caller = ctx.caller
    return alarm_actions.clear_alarm(caller.org_id, path.alarm_id, caller.subject_id, now(), ports)


@api.route(
    "POST",
    "/alarms/{alarm_id}/assign",
    summary="Assign an alarm to someone, or to nobody",
    permission=Permission.MANAGE_ALARMS,
    path_params=AlarmPath,
    body=Assignment,
    response=Alarm,
    problems=CONFLICTS,
)
def assign_alarm(ctx: RequestContext, path: AlarmPath, body: Assignment) -> Alarm:
    ports = bootstrap.alert_admin_ports().actions
    caller = ctx.caller
    return alarm_actions.assign_alarm(
        caller.org_id, path.alarm_id, body.assignee, caller.subject_id, now(), ports
    )


@api.route(
    "POST",
    "/alarms/{alarm_id}/comments",
    summary="Comment on an alarm",
    permission=Permission.MANAGE_ALARMS,
    path_params=AlarmPath,
    body=NewComment,
    response=Alarm,
    status=201,
    problems=CONFLICTS,
)
def comment_on_alarm(ctx: RequestContext, path: AlarmPath, body: NewComment) -> Alarm:
    ports = bootstrap.alert_admin_ports().actions
    caller = ctx.caller
    return alarm_actions.comment_on_alarm(
        caller.org_id, path.alarm_id, body.text, caller.subject_id, now(), ports
    )
