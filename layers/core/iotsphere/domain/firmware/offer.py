"""The offer a device receives for a rollout: the signed manifest and where to fetch the image."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.devices.fields import DeviceId
from iotsphere.domain.firmware.signatures import SignedManifest


class FirmwareOffer(BaseModel):
    """Published to ``devices/<id>/firmware/offer``; the agent verifies ``signed`` before it
    fetches ``image_url``, which stops working at ``url_expires_at`` (within 15 minutes)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    rollout_id: str
    release_id: str
    image_key: str
    image_url: str
    url_expires_at: datetime
    signed: SignedManifest


class OfferRenewalRequest(BaseModel):
    """A device asking for the same offer with a fresh image URL (its own expired before it could
    download). It travels on ``devices/<id>/firmware/status``, the one topic every device may
    already publish firmware news on, so no device needs new broker rights for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    request: Literal["renew_offer"] = "renew_offer"
    device_id: DeviceId
    rollout_id: Annotated[str, Field(min_length=1, max_length=64)]
    release_id: Annotated[str, Field(min_length=1, max_length=64)]
    at: datetime
