"""The offer a device receives for a rollout: the signed manifest and where to fetch the image."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

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
