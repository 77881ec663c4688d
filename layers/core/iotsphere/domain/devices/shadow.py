"""A device's configuration as desired by the platform and as reported by the device.

Each side has its own version, raised by one on every accepted change. The platform changes the
desired side with merge patches; the device reports its whole current configuration with the
version it counts itself, so a report older than the stored one is dropped (reports may arrive out
of order) and losing one changes nothing the next does not repair. Every accepted change is a
revision in the history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.devices.config_schema import ConfigSchema, validate_config
from iotsphere.domain.devices.fields import DeviceId, OrgId
from iotsphere.domain.devices.merge_patch import apply_merge_patch, delta

MAX_DOCUMENT_CHARS = 16 * 1024

Side = Literal["desired", "reported"]


class Shadow(BaseModel):
    model_config = ConfigDict(frozen=True)

    org_id: OrgId
    device_id: DeviceId
    desired: dict[str, Any] = Field(default_factory=dict)
    desired_version: int = Field(default=0, ge=0)
    desired_at: datetime | None = None
    reported: dict[str, Any] = Field(default_factory=dict)
    reported_version: int = Field(default=0, ge=0)
    reported_at: datetime | None = None

    @property
    def delta(self) -> dict[str, Any]:
        return delta(self.desired, self.reported)

    def patched(self, patch: dict[str, Any], schema: ConfigSchema, at: datetime) -> Shadow:
        """The shadow with ``patch`` merged into the desired side, validated, version + 1."""
        desired = apply_merge_patch(self.desired, patch)
        validate_config(schema, desired)
        return self.model_copy(
            update={
                "desired": desired,
                "desired_version": self.desired_version + 1,
                "desired_at": at,
            }
        )

    def with_report(self, reported: dict[str, Any], version: int, at: datetime) -> Shadow | None:
        """The shadow with the device's report, or None if the report is not newer."""
        if version <= self.reported_version:
            return None
        return self.model_copy(
            update={"reported": reported, "reported_version": version, "reported_at": at}
        )


class ShadowRevision(BaseModel):
    """One accepted change of one side: the whole document after it, and the patch (desired)."""

    model_config = ConfigDict(frozen=True)

    org_id: OrgId
    device_id: DeviceId
    side: Side
    version: int
    document: dict[str, Any]
    patch: dict[str, Any] | None = None
    at: datetime
    actor: str = Field(default="", max_length=128)

    @classmethod
    def of(
        cls, shadow: Shadow, side: Side, patch: dict[str, Any] | None, actor: str, at: datetime
    ) -> ShadowRevision:
        desired = side == "desired"
        return cls(
            org_id=shadow.org_id,
            device_id=shadow.device_id,
            side=side,
            version=shadow.desired_version if desired else shadow.reported_version,
            document=shadow.desired if desired else shadow.reported,
            patch=patch,
            at=at,
            actor=actor,
        )
