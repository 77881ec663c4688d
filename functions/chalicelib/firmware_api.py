"""Firmware API: upload tickets for images, signed releases, and staged rollouts with their waves,
devices, pause, resume, cancel and offer renewal. Another organization's release or rollout is
not found (404)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chalicelib.http import Api, RequestContext
from chalicelib.http.clock import now
from iotsphere import bootstrap
from iotsphere.domain.devices.fields import DEVICE_ID_PATTERN
from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.domain.firmware.progress import DeviceProgress
from iotsphere.domain.firmware.release import Release
from iotsphere.domain.firmware.rollout import Rollout
from iotsphere.domain.identity.paging import Page
from iotsphere.domain.identity.roles import Permission
from iotsphere.services.firmware import listing, offers, queries, rollouts, uploads
from iotsphere.services.firmware.ids import (
    RELEASE_ID_PATTERN,
    ROLLOUT_ID_PATTERN,
    new_rollout_id,
)

api = Api(
    tag="firmware",
    description="Signed firmware releases and staged rollouts (waves, health gate, per device)",
)
bp = api.blueprint


class ReleasePath(BaseModel):
    release_id: str = Field(pattern=RELEASE_ID_PATTERN)


class RolloutPath(BaseModel):
    rollout_id: str = Field(pattern=ROLLOUT_ID_PATTERN)


class RolloutDevicePath(RolloutPath):
    device_id: str = Field(pattern=DEVICE_ID_PATTERN)


@api.route(
    "POST",
    "/firmware/uploads",
    summary="A URL to PUT an image to (15 minutes, this organization only); signing follows",
    permission=Permission.SIGN_FIRMWARE,
    body=uploads.UploadRequest,
    response=uploads.UploadTicket,
    status=201,
    problems=(409,),
)
def request_upload(ctx: RequestContext, body: uploads.UploadRequest) -> uploads.UploadTicket:
    return uploads.request_upload(
        ctx.caller.org_id, body, bootstrap.firmware_images(), bootstrap.release_store(), now()
    )


@api.route(
    "GET",
    "/firmware/releases",
    summary="Signed releases, newest first, by firmware family",
    permission=Permission.READ,
    query=listing.ReleaseQuery,
    response=Page[Release],
)
def list_releases(ctx: RequestContext, query: listing.ReleaseQuery) -> Page[Release]:
    return listing.list_releases(ctx.caller.org_id, query, bootstrap.release_store())


@api.route(
    "GET",
    "/firmware/releases/{release_id}",
    summary="One release with its signed manifest",
    permission=Permission.READ,
    path_params=ReleasePath,
    response=Release,
)
def get_release(ctx: RequestContext, path: ReleasePath) -> Release:
    return bootstrap.release_store().get(ctx.caller.org_id, path.release_id)


@api.route(
    "POST",
    "/firmware/rollouts",
    summary="Start a rollout of a release to devices by id, group or tag, wave by wave",
    permission=Permission.MANAGE_ROLLOUTS,
    body=rollouts.RolloutRequest,
    response=Rollout,
    status=201,
    problems=(404, 409),
)
def start_rollout(ctx: RequestContext, body: rollouts.RolloutRequest) -> Rollout:
    return rollouts.start_rollout(
        ctx.caller.org_id, body, new_rollout_id(), bootstrap.rollout_ports(), now()
    )


@api.route(
    "GET",
    "/firmware/rollouts",
    summary="Rollouts, newest first, by state",
    permission=Permission.READ,
    query=listing.RolloutQuery,
    response=Page[Rollout],
)
def list_rollouts(ctx: RequestContext, query: listing.RolloutQuery) -> Page[Rollout]:
    return listing.list_rollouts(ctx.caller.org_id, query, bootstrap.rollout_ports().rollouts)


@api.route(
    "GET",
    "/firmware/rollouts/{rollout_id}",
    summary="A rollout and, per wave, how many devices are in each state",
    permission=Permission.READ,
    path_params=RolloutPath,
    response=queries.RolloutProgress,
)
def get_rollout(ctx: RequestContext, path: RolloutPath) -> queries.RolloutProgress:
    return queries.rollout_progress(
        ctx.caller.org_id, path.rollout_id, bootstrap.rollout_ports().rollouts
    )


@api.route(
    "GET",
    "/firmware/rollouts/{rollout_id}/devices",
    summary="A rollout's devices by id, by state (failed ones with their refusal code)",
    permission=Permission.READ,
    path_params=RolloutPath,
    query=listing.RolloutDeviceQuery,
    response=Page[DeviceProgress],
)
def list_rollout_devices(
    ctx: RequestContext, path: RolloutPath, query: listing.RolloutDeviceQuery
) -> Page[DeviceProgress]:
    return listing.list_rollout_devices(
        ctx.caller.org_id, path.rollout_id, query, bootstrap.rollout_ports().rollouts
    )


@api.route(
    "POST",
    "/firmware/rollouts/{rollout_id}/pause",
    summary="Pause a running rollout: no more offers until it resumes",
    permission=Permission.MANAGE_ROLLOUTS,
    path_params=RolloutPath,
    response=Rollout,
    problems=(409,),
)
def pause_rollout(ctx: RequestContext, path: RolloutPath) -> Rollout:
    return rollouts.pause_rollout(
        ctx.caller.org_id, path.rollout_id, bootstrap.rollout_ports(), now()
    )


@api.route(
    "POST",
    "/firmware/rollouts/{rollout_id}/resume",
    summary="Resume a paused or halted rollout (a halted wave's gate is waived, its soak is not)",
    permission=Permission.MANAGE_ROLLOUTS,
    path_params=RolloutPath,
    response=Rollout,
    problems=(409,),
)
def resume_rollout(ctx: RequestContext, path: RolloutPath) -> Rollout:
    return rollouts.resume_rollout(
        ctx.caller.org_id, path.rollout_id, bootstrap.rollout_ports(), now()
    )


@api.route(
    "POST",
    "/firmware/rollouts/{rollout_id}/cancel",
    summary="Cancel a rollout: no new offers; an offered device may still finish",
    permission=Permission.MANAGE_ROLLOUTS,
    path_params=RolloutPath,
    response=Rollout,
    problems=(409,),
)
def cancel_rollout(ctx: RequestContext, path: RolloutPath) -> Rollout:
    return rollouts.cancel_rollout(
        ctx.caller.org_id, path.rollout_id, bootstrap.rollout_ports(), now()
    )


@api.route(
    "POST",
    "/firmware/rollouts/{rollout_id}/devices/{device_id}/offer",
    summary="Offer again with a fresh image URL to a device whose offer expired",
    permission=Permission.MANAGE_ROLLOUTS,
    path_params=RolloutDevicePath,
    response=FirmwareOffer,
    problems=(409,),
)
def renew_offer(ctx: RequestContext, path: RolloutDevicePath) -> FirmwareOffer:
    return offers.renew_offer(
        ctx.caller.org_id, path.rollout_id, path.device_id, bootstrap.rollout_ports(), now()
    )
