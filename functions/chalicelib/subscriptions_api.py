"""Subscriptions API: who hears about which alarm transitions over which channel, and the
delivery log of every attempt."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from chalicelib import notify
from chalicelib.http import Api, ProblemError, RequestContext
from chalicelib.http.clock import now
from chalicelib.http.problems import FieldProblem
from iotsphere.domain.identity.fields import RecordId
from iotsphere.domain.identity.paging import Page
from iotsphere.domain.identity.roles import Permission
from iotsphere.domain.notifications.deliveries import DeliveryStatus
from iotsphere.domain.notifications.subscriptions import SubscriptionSpec
from iotsphere.domain.notifications.views import DeliveryView, SubscriptionView
from iotsphere.services.notifications import errors, reading
from iotsphere.services.notifications import subscriptions as admin
from iotsphere.services.notifications.ports import NotificationPorts

api = Api(
    tag="subscriptions",
    description="Subscriptions to alarm transitions (webhook, Slack, e-mail, in-app) and the "
    "delivery log",
)
bp = api.blueprint

STATUS_OF: dict[type[errors.NotificationsServiceError], int] = {
    errors.NotFoundError: 404,
    errors.ForbiddenError: 403,
    errors.ConflictError: 409,
    errors.InvalidSubscriptionError: 422,
}


@contextmanager
def notification_problems() -> Iterator[None]:
    """The notification services' errors as problems (the router maps the shared ones)."""
    try:
        yield
    except errors.NotificationsServiceError as exc:
        status = STATUS_OF.get(type(exc))
        if status is None:
            raise
        field = getattr(exc, "field", None)
        details = [FieldProblem(location=field, message=str(exc))] if field else None
        raise ProblemError(status, str(exc), details) from exc


def ports() -> NotificationPorts:
    return notify.notification_ports()


class SubscriptionPath(BaseModel):
    subscription_id: RecordId


class SubscriptionCreated(BaseModel):
    subscription: SubscriptionView
    secret: str | None = Field(
        description="webhooks only: verifies the X-IoTSphere-Signature header; never shown again"
    )


class SecretRotated(BaseModel):
    subscription: SubscriptionView
    secret: str = Field(description="the new signing secret; the old one stops at once")


class DeliveryPath(BaseModel):
    delivery_id: Annotated[str, Field(pattern=r"^[a-f0-9]{32}$")]


class DeliveryQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    subscription_id: RecordId | None = None
    status: DeliveryStatus | None = None
    limit: Annotated[int, Field(ge=1, le=500)] = 100


@api.route(
    "POST",
    "/subscriptions",
    summary="Subscribe yourself (or, as an operator, a team or another user)",
    permission=Permission.READ,
    body=SubscriptionSpec,
    response=SubscriptionCreated,
    status=201,
    problems=(422,),
)
def create_subscription(ctx: RequestContext, body: SubscriptionSpec) -> SubscriptionCreated:
    with notification_problems():
        found = ports()
        view, secret = admin.create_subscription(
            ctx.caller, body, found.subscriptions, found.users, now()
        )
    return SubscriptionCreated(subscription=view, secret=secret)


@api.route(
    "GET",
    "/subscriptions",
    summary="Your subscriptions (an operator sees the organization's)",
    permission=Permission.READ,
    response=Page[SubscriptionView],
)
def list_subscriptions(ctx: RequestContext) -> Page[SubscriptionView]:
    return Page(items=admin.list_subscriptions(ctx.caller, ports().subscriptions))


@api.route(
    "GET",
    "/subscriptions/{subscription_id}",
    summary="One subscription (never its secret)",
    permission=Permission.READ,
    path_params=SubscriptionPath,
    response=SubscriptionView,
    problems=(404,),
)
def get_subscription(ctx: RequestContext, path: SubscriptionPath) -> SubscriptionView:
    with notification_problems():
        return admin.get_subscription(ctx.caller, path.subscription_id, ports().subscriptions)


@api.route(
    "PUT",
    "/subscriptions/{subscription_id}",
    summary="Replace a subscription (its channel type and secret stay)",
    permission=Permission.READ,
    path_params=SubscriptionPath,
    body=SubscriptionSpec,
    response=SubscriptionView,
    problems=(404, 422),
)
def replace_subscription(
    ctx: RequestContext, path: SubscriptionPath, body: SubscriptionSpec
) -> SubscriptionView:
    with notification_problems():
        found = ports()
        return admin.replace_subscription(
            ctx.caller, path.subscription_id, body, found.subscriptions, found.users, now()
        )


@api.route(
    "POST",
    "/subscriptions/{subscription_id}/secret",
    summary="A new webhook signing secret, shown once",
    permission=Permission.READ,
    path_params=SubscriptionPath,
    response=SecretRotated,
    problems=(404, 422),
)
def rotate_secret(ctx: RequestContext, path: SubscriptionPath) -> SecretRotated:
    with notification_problems():
        view, secret = admin.rotate_secret(
            ctx.caller, path.subscription_id, ports().subscriptions, now()
        )
    return SecretRotated(subscription=view, secret=secret)


@api.route(
    "DELETE",
    "/subscriptions/{subscription_id}",
    summary="Unsubscribe; what it still held is skipped",
    permission=Permission.READ,
    path_params=SubscriptionPath,
    status=204,
    problems=(404,),
)
def delete_subscription(ctx: RequestContext, path: SubscriptionPath) -> None:
    with notification_problems():
        admin.delete_subscription(ctx.caller, path.subscription_id, ports().subscriptions)


@api.route(
    "GET",
    "/deliveries",
    summary="The delivery log: every attempt per transition and subscription, newest first",
    permission=Permission.MANAGE_ALARMS,
    query=DeliveryQuery,
    response=Page[DeliveryView],
)
def list_deliveries(ctx: RequestContext, query: DeliveryQuery) -> Page[DeliveryView]:
    found = reading.list_deliveries(
        ctx.caller, ports().deliveries, query.subscription_id, query.status, query.limit
    )
    return Page(items=found)


@api.route(
    "POST",
    "/deliveries/{delivery_id}/retry",
    summary="Redrive a dead-lettered delivery: one more attempt within a minute",
    permission=Permission.MANAGE_ALARMS,
    path_params=DeliveryPath,
    response=DeliveryView,
    problems=(404, 409),
)
def redrive_delivery(ctx: RequestContext, path: DeliveryPath) -> DeliveryView:
    with notification_problems():
        return reading.redrive_delivery(ctx.caller, path.delivery_id, ports().deliveries, now())
