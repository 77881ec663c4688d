"""Which devices a bulk operation reaches: by id, by group, by tag; each device once."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from iotsphere.domain.devices.fields import DeviceId, Label

MAX_TARGET_IDS = 1000


class DeviceTarget(BaseModel):
    """Devices named by id, in any of the groups, or carrying any of the tags (a union)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    device_ids: list[DeviceId] = Field(default_factory=list, max_length=MAX_TARGET_IDS)
    groups: list[Label] = Field(default_factory=list, max_length=20)
    tags: list[Label] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _names_something(self) -> Self:
        if not (self.device_ids or self.groups or self.tags):
            raise ValueError("name devices by device_ids, groups or tags")
        return self
