"""Data API: messages ingest refused, with the reasons, for the caller's devices only."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.http import Api, RequestContext
from iotsphere import bootstrap
from iotsphere.domain.identity.roles import Permission
from iotsphere.domain.quarantine import QuarantinedMessage
from iotsphere.domain.telemetry import DEVICE_ID_PATTERN
from iotsphere.domain.timestamps import IsoDateTime
from iotsphere.services.quarantine_query import (
    MAX_PAGE_SIZE,
    ListedMessage,
    QuarantineSearch,
    get_quarantined,
    list_quarantine,
)

api = Api(tag="quarantine", description="Readings ingest refused, each with its reason")
bp = api.blueprint


class QuarantineParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_id: str | None = Field(
        default=None, pattern=DEVICE_ID_PATTERN.pattern, max_length=128, description="one device"
    )
    since: IsoDateTime | None = Field(default=None, description="received at or after (ISO 8601)")
    until: IsoDateTime | None = Field(default=None, description="received before (ISO 8601)")
    reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="the reason contains this text (any case)",
    )
    cursor: str | None = Field(default=None, max_length=1000, description="next_cursor of a page")
    limit: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)


class QuarantineList(BaseModel):
    items: list[ListedMessage] = Field(description="newest first")
    next_cursor: str | None


class MessagePath(BaseModel):
    message_id: str = Field(pattern=r"^[0-9a-f]{32}$")


@api.route(
    "GET",
    "/quarantine",
    summary="Messages ingest refused, newest first, with filters",
    permission=Permission.READ,
    query=QuarantineParams,
    response=QuarantineList,
    problems=(404, 503),
)
def list_quarantined_messages(ctx: RequestContext, query: QuarantineParams) -> QuarantineList:
    search = QuarantineSearch(
        since=query.since, until=query.until, reason_contains=query.reason, limit=query.limit
    )
    page = list_quarantine(
        ctx.caller.org_id,
        query.device_id,
        search,
        query.cursor,
        bootstrap.device_repository(),
        bootstrap.quarantine_store(),
    )
    return QuarantineList(items=page.items, next_cursor=page.next_cursor)


@api.route(
    "GET",
    "/quarantine/{message_id}",
    summary="One refused message with its whole payload",
    permission=Permission.READ,
    path_params=MessagePath,
    response=QuarantinedMessage,
    problems=(503,),
)
def get_quarantined_message(ctx: RequestContext, path: MessagePath) -> QuarantinedMessage:
    return get_quarantined(
        ctx.caller.org_id,
        path.message_id,
        bootstrap.device_repository(),
        bootstrap.quarantine_store(),
    )
