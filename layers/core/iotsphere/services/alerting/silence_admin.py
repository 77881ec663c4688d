"""Creating silences and maintenance windows, under the caller's organization and name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from iotsphere.domain.alerting.errors import SilenceValidationError
from iotsphere.domain.alerting.silences import Silence
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
        raise SilenceValidationError.first_of(exc) from exc
    store.save(silence)
    return silence
