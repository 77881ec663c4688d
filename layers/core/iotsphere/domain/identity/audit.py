"""The audit log: who did what to which object, when, from where, and how it ended."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from iotsphere.domain.identity.fields import RecordId
from iotsphere.domain.identity.ids import new_id
from iotsphere.domain.timestamps import IsoDateTime

ActorKind = Literal["user", "api_key", "system", "anonymous"]
Outcome = Literal["success", "denied", "failure"]
Action = Annotated[
    str, StringConstraints(max_length=100, pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
]
Text = Annotated[str, StringConstraints(max_length=320)]  # an e-mail address fits


class AuditEntry(BaseModel):
    """``action`` reads ``<object>.<verb>`` (``user.invite``, ``api_key.revoke``, ``auth.login``).

    ``actor_id`` is a user or API key id, ``system`` for the platform itself, or for a failed login
    the e-mail address that was tried. ``method``, ``path``, ``status`` and ``request_id`` say which
    HTTP request made the change, when one did. The id defaults to a new one at ``at``.
    """

    model_config = ConfigDict(frozen=True)

    version: Literal[1] = 1
    at: datetime
    id: RecordId = Field(default_factory=lambda data: new_id(data["at"]))
    org_id: RecordId
    actor_kind: ActorKind
    actor_id: Text
    action: Action
    target_type: Text | None = None
    target_id: Text | None = None
    client_address: Text | None = None
    outcome: Outcome = "success"
    method: Text | None = None
    path: Text | None = None
    status: int | None = None
    request_id: Text | None = None
    details: dict[Text, Text] = Field(default_factory=dict, max_length=20)


class AuditFilter(BaseModel):
    """Filters of an audit query; every one is optional and they all must hold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor_id: Text | None = None
    action: Action | None = None
    target_type: Text | None = None
    target_id: Text | None = None
    since: IsoDateTime | None = None
    until: IsoDateTime | None = None
