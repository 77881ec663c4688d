"""Creating and deleting silences and maintenance windows, under the caller's organization and
name."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from iotsphere.domain.alerting.errors import SilenceValidationError
from iotsphere.domain.alerting.silences import Silence
from iotsphere.domain.alerting.transitions import to_ms
from iotsphere.domain.telemetry_query import EARLIEST, LATEST
from iotsphere.services.alerting.ports import SilenceStore


def save_silence(
    org_id: str, silence_id: str, body: Mapping[str, Any], by: str, store: SilenceStore
) -> Silence:
    """Validate and store; a bad body raises ``SilenceValidationError`` with the field path."""
    try:
        silence = Silence.model_validate(
            {**body, "org_id": org_id, "id": silence_id, "created_by": by}
        )
    except ValidationError as exc:
        error = SilenceValidationError.first_of(exc)
        if error.path == "body":  # the window check of the whole model: the end is what to fix
            error = SilenceValidationError("ends_at", error.reason)
        raise error from exc
    for name in ("starts_at", "ends_at"):
        if not EARLIEST <= getattr(silence, name) <= LATEST:
            raise SilenceValidationError(name, f"must lie between {EARLIEST:%Y} and {LATEST:%Y}")
    store.save(silence)
    return silence


def create_silence(
    org_id: str, body: Mapping[str, Any], by: str, store: SilenceStore, now: datetime
) -> Silence:
    """A new silence under a fresh id (its creation time, then random bits)."""
    return save_silence(org_id, f"{to_ms(now):011x}{secrets.token_hex(6)}", body, by, store)


def delete_silence(org_id: str, silence_id: str, store: SilenceStore) -> None:
    """``NotFoundError`` for a silence the organization does not have."""
    store.delete(org_id, silence_id)
