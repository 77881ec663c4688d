"""The query string of a device search, as the registry's ``DeviceSearch`` plus a cursor.

Lists repeat their parameter (``?tags=a&tags=b``); a metadata filter is ``metadata=key=value``,
one per key. Times are ISO 8601 with a zone.

A metadata filter's key is the one user text that becomes part of a MongoDB field path
(``metadata.<key>``); it follows the rule of stored metadata keys (``check_metadata_key``), checked
here so that a refused filter names its parameter and the rule. Every other parameter is a value
compared for equality or a fixed choice (``sort``), and the organization comes from the
credential only, so no parameter reaches another field.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.domain.devices.fields import (
    MAX_METADATA_KEY_CHARS,
    MAX_METADATA_VALUE_CHARS,
    METADATA_KEY_RULE,
    SLUG_PATTERN,
    DeviceId,
    Label,
    check_metadata_key,
    quoted,
)
from iotsphere.domain.devices.search import (
    DEFAULT_PAGE_SIZE,
    MAX_DEVICE_IDS,
    MAX_PAGE_SIZE,
    DeviceSearch,
    SortField,
)
from iotsphere.domain.timestamps import IsoDateTime

METADATA_FILTER_RULE = f"metadata filters read key=value, the key {METADATA_KEY_RULE}"


def check_metadata_filter(item: str) -> str:
    key, separator, value = item.partition("=")
    try:
        if not separator:
            raise ValueError(item)
        check_metadata_key(key)
    except ValueError:
        raise ValueError(f"{METADATA_FILTER_RULE}; not {quoted(key)}") from None
    if len(value) > MAX_METADATA_VALUE_CHARS:
        raise ValueError(f"a metadata value is at most {MAX_METADATA_VALUE_CHARS} characters")
    return item


# The schema states the rule as a pattern, for clients and fuzzers; the validator gives the reason.
MetadataFilter = Annotated[
    str,
    AfterValidator(check_metadata_filter),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": rf"^[^$.=\u0000][^.=\u0000]{{0,{MAX_METADATA_KEY_CHARS - 1}}}="
            rf"[^\u0000]{{0,{MAX_METADATA_VALUE_CHARS}}}$",
            "description": METADATA_FILTER_RULE,
        }
    ),
]


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
