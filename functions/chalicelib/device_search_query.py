"""The query string of a device search, as the registry's ``DeviceSearch`` plus a cursor.

Lists repeat their parameter (``?tags=a&tags=b``); a metadata filter is ``metadata=key=value``,
one per key. Times are ISO 8601 with a zone.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.domain.devices.fields import SLUG_PATTERN, DeviceId, Label
from iotsphere.domain.devices.search import (
    DEFAULT_PAGE_SIZE,
    MAX_DEVICE_IDS,
    MAX_PAGE_SIZE,
    DeviceSearch,
    SortField,
)
from iotsphere.domain.timestamps import IsoDateTime

MetadataFilter = Annotated[str, StringConstraints(pattern=r"^[^$.=]{1,64}=.{0,256}$")]


class DeviceSearchQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    device_ids: list[DeviceId] = Field(
        default_factory=list,
        max_length=MAX_DEVICE_IDS,
        description="any of these (a screen reads the devices it names in one request)",
    )
    name_prefix: str | None = Field(default=None, min_length=1, max_length=100)
    device_type: str | None = Field(default=None, pattern=SLUG_PATTERN)
    status: list[DeviceStatus] = Field(default_factory=list, description="any of these")
    tags: list[Label] = Field(default_factory=list, max_length=20, description="every one of these")
    groups: list[Label] = Field(default_factory=list, max_length=20, description="any of these")
    firmware_version: str | None = Field(default=None, max_length=64)
    serial: str | None = Field(default=None, max_length=128)
    metadata: list[MetadataFilter] = Field(
        default_factory=list, max_length=20, description="key=value, every one must hold"
    )
    first_seen_after: IsoDateTime | None = None
    first_seen_before: IsoDateTime | None = None
    last_seen_after: IsoDateTime | None = None
    last_seen_before: IsoDateTime | None = None
    include_decommissioned: bool = False
    sort: SortField = "created_at"
    descending: bool = False
    limit: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(
        default=None, max_length=1024, description="next_cursor of the page before"
    )

    def search(self) -> DeviceSearch:
        fields = self.model_dump(exclude={"cursor", "metadata", "status"})
        pairs = dict(item.split("=", 1) for item in self.metadata)
        return DeviceSearch(**fields, status=self.status or None, metadata=pairs)
