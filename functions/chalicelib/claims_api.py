"""Device API, provisioning by claim: the allowlist of serials that factory-flashed devices may
claim an identity for. The claim itself travels over MQTT (``provisioning/claims/<serial>``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.device_paths import SERIAL_PATTERN, SerialPath
from chalicelib.http import Api, RequestContext
from iotsphere import bootstrap
from iotsphere.domain.devices.fields import SLUG_PATTERN
from iotsphere.domain.devices.messages import Message
from iotsphere.domain.identity.roles import Permission
from iotsphere.services.devices import claims
from iotsphere.services.devices.ports import AllowedSerial

api = Api(tag="claims", description="Serials factory-flashed devices may claim an identity for")
bp = api.blueprint

Serial = Annotated[str, StringConstraints(pattern=SERIAL_PATTERN)]


class SerialAllowlist(Message):
    device_type: str = Field(pattern=SLUG_PATTERN, description="what a claimed device becomes")
    serials: list[Serial] = Field(min_length=1, max_length=claims.MAX_SERIALS_PER_CALL)


class AllowedSerialView(Message):
    serial: str
    device_type: str
    device_id: str | None = Field(description="the identity the serial claimed, if any")
    claimed_at: datetime | None

    @classmethod
    def of(cls, entry: AllowedSerial) -> AllowedSerialView:
        return cls.model_validate(entry.model_dump(include=set(cls.model_fields)))


class AllowedSerials(Message):
    items: list[AllowedSerialView]


@api.route(
    "POST",
    "/claims/serials",
    summary="Allow serials to claim an identity, once each, as devices of a type",
    permission=Permission.MANAGE_CREDENTIALS,
    body=SerialAllowlist,
    response=AllowedSerials,
    status=201,
    problems=(404, 409),
)
def allow_serials(ctx: RequestContext, body: SerialAllowlist) -> AllowedSerials:
    entries = claims.allow_serials(
        ctx.caller.org_id, body.device_type, body.serials, bootstrap.device_ports()
    )
    return AllowedSerials(items=[AllowedSerialView.of(e) for e in entries])


@api.route(
    "POST",
    "/claims/serials/{serial}/release",
    summary="Let a serial claim again once its device is decommissioned (a replaced board)",
    permission=Permission.MANAGE_CREDENTIALS,
    path_params=SerialPath,
    response=AllowedSerialView,
    problems=(409,),
)
def release_serial(ctx: RequestContext, path: SerialPath) -> AllowedSerialView:
    entry = claims.release_serial(ctx.caller.org_id, path.serial, bootstrap.device_ports())
    return AllowedSerialView.of(entry)
