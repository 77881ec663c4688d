"""An organization (tenant): everything stored belongs to exactly one."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.identity.fields import DisplayName, RecordId


class Organization(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: RecordId
    name: DisplayName
    created_at: datetime
