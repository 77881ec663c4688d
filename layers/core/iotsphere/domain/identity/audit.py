"""The audit log: who did what to which object, when, from where, and how it ended.

An entry is never lost for its text. Over-long input is refused at the edge where it can never be
valid (every id in a path has a pattern of at most 128 characters, so such a request is a 400
before anything happens), but the entry of that refused request is still written, and so is an
entry whose text comes from elsewhere (a client address from a header, a reason, a name): text
over 320 characters is stored as its start, a marker with the full length and the SHA-256 of the
whole value (``fit_text``), and a character UTF-8 cannot hold becomes ``?``. So the entry keeps
who tried what, two long values never read as one, and a filter given the full value (up to 4096
characters) is fitted the same way and finds it. Refusing the entry instead would drop the record
of exactly the odd requests an audit is for.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from iotsphere.domain.identity.fields import RecordId
from iotsphere.domain.identity.ids import new_id
from iotsphere.domain.timestamps import IsoDateTime

ActorKind = Literal["user", "api_key", "system", "anonymous"]
Outcome = Literal["success", "denied", "failure"]
Action = Annotated[
    str, StringConstraints(max_length=100, pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
]
MAX_TEXT_CHARS = 320  # an e-mail address fits
MAX_FILTER_CHARS = 4096


def fit_text(value: str) -> str:
    """``value`` if it fits, else its start, its length and its digest in 320 characters; a
    character UTF-8 cannot hold (a lone surrogate) reads ``?``."""
    storable = value.encode("utf-8", "replace").decode("utf-8")
    if len(storable) <= MAX_TEXT_CHARS:
        return storable
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    mark = f"…[{len(value)} characters, sha256 {digest}]"
    return storable[: MAX_TEXT_CHARS - len(mark)] + mark


def _fit_if_text(value: object) -> object:
    return fit_text(value) if isinstance(value, str) else value


Text = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS), BeforeValidator(_fit_if_text)]
FilterText = Annotated[
    str, StringConstraints(max_length=MAX_FILTER_CHARS), AfterValidator(fit_text)
]


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
    """Filters of an audit query; every one is optional and they all must hold. Text is fitted
    as entries store it, so the full value of a long id finds its entry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor_id: FilterText | None = None
    action: Action | None = None
    target_type: FilterText | None = None
    target_id: FilterText | None = None
    since: IsoDateTime | None = None
    until: IsoDateTime | None = None
