"""The rollout sweep's own decisions in the audit log. A rollout it halted (a breached gate, an
expired release) or cancelled (a release that is gone) changed without anyone asking through the
API, so the entry names the platform (actor ``system``) and keeps the reason. A cancel has the
action and target of an operator's cancel through the API (``firmware.cancel_rollout``,
``rollout_id``), so one filter finds both; only the sweep halts."""

from __future__ import annotations

from datetime import datetime

from iotsphere.domain.firmware.rollout import Rollout, RolloutState
from iotsphere.domain.identity.audit import AuditEntry

ACTIONS = {
    RolloutState.HALTED: "firmware.halt_rollout",
    RolloutState.CANCELLED: "firmware.cancel_rollout",
}


def stop_audit_entry(rollout: Rollout, now: datetime) -> AuditEntry:
    """The entry for a rollout the sweep stopped (``SweepResult.stopped``)."""
    return AuditEntry(
        at=now,
        org_id=rollout.org_id,
        actor_kind="system",
        actor_id="system",
        action=ACTIONS[rollout.state],
        target_type="rollout_id",
        target_id=rollout.rollout_id,
        details={"release_id": rollout.release_id, "reason": rollout.reason or ""},
    )
