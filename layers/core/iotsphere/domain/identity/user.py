"""A user: one account in one organization, with one role there.

An e-mail address is unique across the platform (a login names no organization); a person in two
organizations has two accounts.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.identity.fields import DisplayName, Email, RecordId
from iotsphere.domain.identity.preferences import Preferences
from iotsphere.domain.identity.roles import Role


class User(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: RecordId
    org_id: RecordId
    email: Email
    display_name: DisplayName
    role: Role
    password_hash: str = Field(repr=False)
    created_at: datetime
    password_changed_at: datetime
    preferences: Preferences = Field(default_factory=Preferences)
