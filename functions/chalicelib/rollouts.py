"""Firmware rollouts behind the API: the sweep that drives every running rollout once a minute
(offers the current wave, advances it once its gate passes, halts it on a breach), and device
firmware status reports, which reach us inside the ``device-events`` queue.

``record_firmware_status`` is what the ``device-events`` handler calls for an event whose topic is
``devices/<id>/firmware/status`` (``is_firmware_status``): it returns an outcome of the same shape
as the device services' (handled, ignored, refused with a reason) and raises only when a store is
down, so the queue delivers the event again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from chalice.app import Blueprint, CloudWatchEvent

from iotsphere import bootstrap
from iotsphere.domain.devices.messages import DeviceEvent
from iotsphere.domain.firmware.rollout import Rollout
from iotsphere.services.devices.device_events import DeviceBirth
from iotsphere.services.firmware import returning_devices
from iotsphere.services.firmware.rollouts import advance_rollouts
from iotsphere.services.firmware.status_events import (
    StatusOutcome,
    record_status_event,
    reporting_device,
)
from iotsphere.services.firmware.sweep_audit import stop_audit_entry
from iotsphere.services.identity.audit import record_audit

bp = Blueprint(__name__)
logger = Logger(service="rollouts")


def is_firmware_status(topic: str) -> bool:
    return reporting_device(topic) is not None


def record_firmware_status(event: DeviceEvent) -> StatusOutcome:
    return record_status_event(event, bootstrap.registry_targets(), bootstrap.rollout_ports())


def reoffer_on_birth(birth: DeviceBirth) -> list[str]:
    """After a device's birth: its open offers of running rollouts, sent again."""
    return returning_devices.reoffer_on_birth(birth, bootstrap.rollout_ports())


@bp.schedule("rate(1 minute)")
def advance_firmware_rollouts(event: CloudWatchEvent) -> dict[str, Any]:
    """Every running rollout once; one that fails is logged and tried again at the next tick."""
    now = datetime.now(tz=UTC)
    result = advance_rollouts(bootstrap.rollout_ports(), now)
    for rollout in result.stopped:
        logger.warning(
            "rollout stopped",
            extra={
                "rollout_id": rollout.rollout_id,
                "state": rollout.state,
                "reason": rollout.reason,
            },
        )
        audit_stop(rollout, now)
    for rollout_id, reason in result.failed.items():
        logger.warning("rollout not advanced", extra={"rollout_id": rollout_id, "reason": reason})
    states = {r.rollout_id: {"state": r.state.value, "wave": r.wave} for r in result.advanced}
    logger.info("rollouts advanced", extra={"rollouts": states, "failed": list(result.failed)})
    return {"rollouts": states, "failed": result.failed}


def audit_stop(rollout: Rollout, now: datetime) -> None:
    """The organization's audit log gets what the sweep stopped; the rollout stays stopped when
    the log cannot be written (the warning above has it)."""
    try:
        record_audit(stop_audit_entry(rollout, now), bootstrap.identity_ports())
    except Exception:
        logger.exception("audit entry not stored", extra={"rollout_id": rollout.rollout_id})
