"""Inbox API: the caller's in-app feed of notifications, read and unread."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.http import Api, RequestContext
from chalicelib.subscriptions_api import notification_problems, ports
from iotsphere.domain.identity.roles import Permission
from iotsphere.domain.notifications.inbox import InboxItem, InboxPage
from iotsphere.services.notifications import reading

api = Api(tag="inbox", description="Your in-app notifications")
bp = api.blueprint


class InboxQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    unread_only: bool = False
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class InboxItemPath(BaseModel):
    item_id: Annotated[str, Field(pattern=r"^[a-f0-9]{24}$")]


@api.route(
    "GET",
    "/inbox",
    summary="Your in-app notifications, newest transition first, and how many are unread",
    permission=Permission.READ,
    query=InboxQuery,
    response=InboxPage,
)
def list_inbox(ctx: RequestContext, query: InboxQuery) -> InboxPage:
    return reading.inbox_page(ctx.caller, ports().inbox, query.unread_only, query.limit)


@api.route(
    "POST",
    "/inbox/{item_id}/read",
    summary="Mark one of your notifications read (again: keeps the first time)",
    permission=Permission.READ,
    path_params=InboxItemPath,
    response=InboxItem,
    problems=(404,),
)
def mark_read(ctx: RequestContext, path: InboxItemPath) -> InboxItem:
    with notification_problems():
        return reading.mark_read(ctx.caller, path.item_id, ports().inbox, datetime.now(tz=UTC))
