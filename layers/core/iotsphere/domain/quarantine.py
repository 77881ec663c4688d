"""A refused message, kept with its reason so an operator can see what a device sent and why."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


class QuarantinedMessage(BaseModel):
    """The raw payload, the device (from the topic), the reason and when it was received."""

    model_config = ConfigDict(frozen=True)

    id: str
    device_id: str
    received_at: datetime
    reason: str
    payload: str
    encoding: Literal["utf-8", "base64"] = "utf-8"
    size: int

    @classmethod
    def of(
        cls,
        *,
        device_id: str,
        received_ms: int,
        reason: str,
        payload: str,
        encoding: Literal["utf-8", "base64"] = "utf-8",
        size: int | None = None,
    ) -> QuarantinedMessage:
        """Its id is a digest of what was received, so a redelivered message is kept once."""
        digest = hashlib.sha256(
            f"{device_id}\x00{received_ms}\x00{reason}\x00{payload}".encode()
        ).hexdigest()[:32]
        return cls(
            id=digest,
            device_id=device_id,
            received_at=datetime.fromtimestamp(received_ms / 1000, tz=UTC),
            reason=reason,
            payload=payload,
            encoding=encoding,
            size=len(payload) if size is None else size,
        )
