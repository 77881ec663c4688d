"""A registered device, its lifecycle status and the connection events that move it.

Status moves only along legal edges::

    provisioned -> verified -> online <-> offline
          \\            \\         \\         \\-> decommissioned (from any status but itself)

A birth message moves a device online (through verified the first time); a last will or a clean
goodbye moves it offline. Connection events arrive at least once and possibly out of order: an event
older than the status it would replace is kept in the history but changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.devices.errors import IllegalTransitionError
from iotsphere.domain.devices.fields import (
    DeviceId,
    DeviceName,
    Labels,
    Metadata,
    OrgId,
    Slug,
)

MAX_CONNECTION_HISTORY = 50


class DeviceStatus(StrEnum):
    PROVISIONED = "provisioned"
    VERIFIED = "verified"
    ONLINE = "online"
    OFFLINE = "offline"
    DECOMMISSIONED = "decommissioned"


LEGAL_STATUS_MOVES: dict[DeviceStatus, frozenset[DeviceStatus]] = {
    DeviceStatus.PROVISIONED: frozenset({DeviceStatus.VERIFIED, DeviceStatus.DECOMMISSIONED}),
    DeviceStatus.VERIFIED: frozenset(
        {DeviceStatus.ONLINE, DeviceStatus.OFFLINE, DeviceStatus.DECOMMISSIONED}
    ),
    DeviceStatus.ONLINE: frozenset({DeviceStatus.OFFLINE, DeviceStatus.DECOMMISSIONED}),
    DeviceStatus.OFFLINE: frozenset({DeviceStatus.ONLINE, DeviceStatus.DECOMMISSIONED}),
    DeviceStatus.DECOMMISSIONED: frozenset(),
}


class ConnectionEvent(BaseModel):
    """One birth (``online``) or last will / goodbye (``offline``) as the platform received it."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["online", "offline"]
    at: datetime
    session: str = Field(default="", max_length=64)
    reason: str = Field(default="", max_length=200)


class Device(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: DeviceId
    org_id: OrgId
    name: DeviceName
    device_type: Slug
    tags: Labels = Field(default_factory=list)
    groups: Labels = Field(default_factory=list)
    metadata: Metadata = Field(default_factory=dict)
    serial: str | None = Field(default=None, max_length=128)
    firmware_version: str | None = Field(default=None, max_length=64)
    status: DeviceStatus = DeviceStatus.PROVISIONED
    status_changed_at: datetime
    created_at: datetime
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    connection_history: list[ConnectionEvent] = Field(default_factory=list)
    credential_hash: str = Field(default="", repr=False)
    revision: int = Field(default=0, ge=0)  # raised by the repository on every save

    def move_to(self, status: DeviceStatus, at: datetime) -> Device:
        """The device in ``status``; raises ``IllegalTransitionError`` on an illegal edge."""
        if status not in LEGAL_STATUS_MOVES[self.status]:
            raise IllegalTransitionError(
                f"device {self.id} cannot move from {self.status} to {status}"
            )
        return self.model_copy(update={"status": status, "status_changed_at": at})

    def record_connection(self, event: ConnectionEvent) -> Device:
        """Apply a birth or last will: history, first/last seen and status (when not stale)."""
        if self.status is DeviceStatus.DECOMMISSIONED:
            raise IllegalTransitionError(f"device {self.id} is decommissioned")
        if event in self.connection_history:
            return self
        history = sorted([*self.connection_history, event], key=lambda e: e.at)
        device = self.model_copy(
            update={
                "connection_history": history[-MAX_CONNECTION_HISTORY:],
                "first_seen": min(filter(None, [self.first_seen, event.at])),
                "last_seen": max(filter(None, [self.last_seen, event.at])),
            }
        )
        if self.status is DeviceStatus.PROVISIONED:
            # the first birth counts whatever its time: the bridge's clock may lag the API's
            if event.kind == "offline":
                return device
            device = device.move_to(DeviceStatus.VERIFIED, event.at)
        elif event.at < self.status_changed_at:
            return device
        target = DeviceStatus.ONLINE if event.kind == "online" else DeviceStatus.OFFLINE
        return device if device.status is target else device.move_to(target, event.at)
