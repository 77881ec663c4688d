"""A command to one device, and the only ways its state may move.

::

    CREATED -> SENT -> DELIVERED -> SUCCEEDED | FAILED | TIMED_OUT
       |         \\-> REJECTED | SUCCEEDED | FAILED | TIMED_OUT
       \\-> EXPIRED  (the TTL passed before the device was reachable)

A command waits in CREATED while its device is offline and is sent when it connects, unless its
TTL has passed (EXPIRED). Once sent, the device has until the same deadline to answer (TIMED_OUT).
A result may overtake the delivery acknowledgement, so SENT may move straight to a result.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.devices.errors import IllegalTransitionError
from iotsphere.domain.devices.fields import DeviceId, OrgId, Slug

MIN_TTL_S = 1
MAX_TTL_S = 7 * 24 * 3600
DEFAULT_TTL_S = 3600


class CommandState(StrEnum):
    CREATED = "CREATED"
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    REJECTED = "REJECTED"
    TIMED_OUT = "TIMED_OUT"
    EXPIRED = "EXPIRED"

    @property
    def is_final(self) -> bool:
        return not LEGAL_COMMAND_MOVES[self]


_RESULTS = {CommandState.SUCCEEDED, CommandState.FAILED, CommandState.TIMED_OUT}
LEGAL_COMMAND_MOVES: dict[CommandState, frozenset[CommandState]] = {
    CommandState.CREATED: frozenset({CommandState.SENT, CommandState.EXPIRED}),
    CommandState.SENT: frozenset({CommandState.DELIVERED, CommandState.REJECTED, *_RESULTS}),
    CommandState.DELIVERED: frozenset(_RESULTS),
    CommandState.SUCCEEDED: frozenset(),
    CommandState.FAILED: frozenset(),
    CommandState.REJECTED: frozenset(),
    CommandState.TIMED_OUT: frozenset(),
    CommandState.EXPIRED: frozenset(),
}


class Command(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]{8,40}$")
    org_id: OrgId
    device_id: DeviceId
    name: Slug
    parameters: dict[str, Any] = Field(default_factory=dict)
    ttl_s: int = Field(default=DEFAULT_TTL_S, ge=MIN_TTL_S, le=MAX_TTL_S)
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=128)
    state: CommandState = CommandState.CREATED
    created_at: datetime
    updated_at: datetime
    result: dict[str, Any] | None = None
    detail: str = Field(default="", max_length=500)

    @property
    def expires_at(self) -> datetime:
        return self.created_at + timedelta(seconds=self.ttl_s)

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def same_request(self, other: Command) -> bool:
        """Whether ``other`` asks for the same thing (for a repeated idempotency key)."""
        return (self.device_id, self.name, self.parameters, self.ttl_s) == (
            other.device_id,
            other.name,
            other.parameters,
            other.ttl_s,
        )

    def move_to(
        self,
        state: CommandState,
        at: datetime,
        *,
        result: dict[str, Any] | None = None,
        detail: str = "",
    ) -> Command:
        if state not in LEGAL_COMMAND_MOVES[self.state]:
            raise IllegalTransitionError(
                f"command {self.id} cannot move from {self.state} to {state}"
            )
        return self.model_copy(
            update={
                "state": state,
                "updated_at": at,
                "result": result if result is not None else self.result,
                "detail": detail[:500] or self.detail,
            }
        )

    def when_overdue(self, now: datetime) -> CommandState | None:
        """The state the sweep moves this command to once its TTL has passed, if any."""
        if self.state.is_final or not self.is_expired(now):
            return None
        return (
            CommandState.EXPIRED if self.state is CommandState.CREATED else CommandState.TIMED_OUT
        )
