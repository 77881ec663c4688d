"""Device API, commands: sent at once to an online device, kept until it connects or the TTL
passes otherwise; an idempotency key makes a retried request return the first command."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chalicelib.device_paths import COMMAND_ID_PATTERN, CommandPath, DevicePath
from chalicelib.http import Api, RequestContext
from iotsphere import bootstrap
from iotsphere.domain.devices.messages import (
    BulkCommand,
    CommandOutcome,
    CommandView,
    Message,
    NewCommand,
)
from iotsphere.domain.identity.roles import Permission
from iotsphere.services.devices import commands
from iotsphere.services.devices.views import command_view

api = Api(tag="commands", description="Commands to devices and their results")
bp = api.blueprint


class CommandsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=commands.MAX_LISTED)


CommandId = Annotated[str, StringConstraints(pattern=COMMAND_ID_PATTERN)]


class CommandIdsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[CommandId] = Field(
        min_length=1, max_length=commands.MAX_LISTED, description="repeat it: ?ids=a&ids=b"
    )


class CommandsById(Message):
    items: list[CommandView] = Field(description="in the order asked, each once")
    missing: list[str] = Field(description="ids asked for that name no command of the organization")


class CommandList(Message):
    items: list[CommandView] = Field(description="newest first")


class CommandOutcomes(Message):
    outcomes: list[CommandOutcome]


@api.route(
    "POST",
    "/devices/{device_id}/commands",
    summary="Send a command; the same idempotency key returns the first command",
    permission=Permission.SEND_COMMANDS,
    path_params=DevicePath,
    body=NewCommand,
    response=CommandView,
    status=201,
    problems=(409, 503),
)
def send_command(ctx: RequestContext, path: DevicePath, body: NewCommand) -> CommandView:
    sent = commands.send_command(ctx.caller.org_id, path.device_id, body, bootstrap.device_ports())
    return command_view(sent)


@api.route(
    "GET",
    "/devices/{device_id}/commands",
    summary="A device's commands, newest first",
    permission=Permission.READ,
    path_params=DevicePath,
    query=CommandsQuery,
    response=CommandList,
)
def list_commands(ctx: RequestContext, path: DevicePath, query: CommandsQuery) -> CommandList:
    found = commands.list_commands(
        ctx.caller.org_id, path.device_id, query.limit, bootstrap.device_ports()
    )
    return CommandList(items=[command_view(c) for c in found])


@api.route(
    "GET",
    "/commands",
    summary="Many commands at once (at most 200 ids), e.g. to follow a bulk command",
    permission=Permission.READ,
    query=CommandIdsQuery,
    response=CommandsById,
)
def get_commands(ctx: RequestContext, query: CommandIdsQuery) -> CommandsById:
    found = commands.get_commands(ctx.caller.org_id, query.ids, bootstrap.device_ports())
    known = {c.id for c in found}
    missing = [i for i in dict.fromkeys(query.ids) if i not in known]
    return CommandsById(items=[command_view(c) for c in found], missing=missing)


@api.route(
    "GET",
    "/commands/{command_id}",
    summary="One command, with its state and result",
    permission=Permission.READ,
    path_params=CommandPath,
    response=CommandView,
)
def get_command(ctx: RequestContext, path: CommandPath) -> CommandView:
    found = commands.get_command(ctx.caller.org_id, path.command_id, bootstrap.device_ports())
    return command_view(found)


@api.route(
    "POST",
    "/bulk/commands",
    summary="Send one command to devices by id, group or tag; an outcome per device",
    permission=Permission.SEND_COMMANDS,
    body=BulkCommand,
    response=CommandOutcomes,
    problems=(503,),
)
def send_command_to_target(ctx: RequestContext, body: BulkCommand) -> CommandOutcomes:
    outcomes = commands.send_to_target(ctx.caller.org_id, body, bootstrap.device_ports())
    return CommandOutcomes(outcomes=outcomes)
