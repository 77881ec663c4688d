"""Subscriptions: a user or a team asks for the transitions of some alarms over one channel,
with optional quiet hours and digest."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from iotsphere.domain.alerting.rules import Severity
from iotsphere.domain.alerting.transitions import TransitionKind
from iotsphere.domain.identity.fields import TimeZone
from iotsphere.domain.notifications.channels import ChannelConfig, ChannelType

# Rule and device ids, group slugs, tags (``site=berlin``), user ids and team names all fit.
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:=@-]{0,127}$")]
Names = Annotated[list[Name], Field(max_length=50)]

DEFAULT_KINDS = (
    TransitionKind.RAISED,
    TransitionKind.CLEARED,
    TransitionKind.ESCALATED,
    TransitionKind.FLAPPING_STARTED,
    TransitionKind.FLAPPING_ENDED,
)


class Subscriber(BaseModel):
    """A user of the organization (by id) or a team (a name escalation steps can ``notify``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["user", "team"]
    id: Name


class SubscriptionFilter(BaseModel):
    """Every list that is given must contain the transition's value; an empty list is any."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_ids: Names = Field(default_factory=list)
    device_ids: Names = Field(default_factory=list)
    groups: Names = Field(default_factory=list)
    tags: Names = Field(default_factory=list)
    min_severity: Severity = Severity.INFO
    kinds: list[TransitionKind] = Field(default_factory=lambda: list(DEFAULT_KINDS), min_length=1)


class QuietHours(BaseModel):
    """From ``start`` to ``end`` in the subscriber's time zone (over midnight when end < start),
    notifications wait until the end; critical ones go at once unless ``critical_bypasses`` is
    off."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: time
    end: time
    time_zone: TimeZone
    critical_bypasses: bool = True

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if self.start == self.end:
            raise ValueError("start and end are equal: the quiet hours would be empty")
        return self


class Digest(BaseModel):
    """Batch what arrives into one notification every ``every_minutes``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    every_minutes: int = Field(ge=1, le=1440)


class SubscriptionSpec(BaseModel):
    """What a caller gives to create or replace a subscription."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    subscriber: Subscriber | None = Field(
        default=None, description="the caller when omitted; a team or another user needs operator"
    )
    filter: SubscriptionFilter = Field(default_factory=SubscriptionFilter)
    channel: ChannelConfig
    quiet_hours: QuietHours | None = None
    digest: Digest | None = None
    enabled: bool = True


class Subscription(BaseModel):
    """A stored subscription; ``secret`` signs its webhooks and is never shown after creation."""

    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    id: str
    org_id: str
    name: str
    subscriber: Subscriber
    filter: SubscriptionFilter
    channel: ChannelConfig
    quiet_hours: QuietHours | None = None
    digest: Digest | None = None
    enabled: bool = True
    secret: str | None = None
    created_by: str
    created_at: datetime
    updated_at: datetime

    @property
    def channel_type(self) -> ChannelType:
        return ChannelType(self.channel.type)
