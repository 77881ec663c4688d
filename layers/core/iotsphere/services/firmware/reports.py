"""Firmware status reports as devices send them (``devices/<id>/firmware/status``, through the
bridge into a queue). The device id comes from the topic, which the broker ties to the device's
identity; a report naming another device is refused."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from iotsphere.domain.firmware.progress import FirmwareStatusReport, ProgressState
from iotsphere.services.firmware.errors import InvalidStatusReportError
from iotsphere.services.firmware.ports import DeviceDirectory, RolloutPorts


def parse_report(device_id: str, payload: str | bytes) -> FirmwareStatusReport:
    try:
        report = FirmwareStatusReport.model_validate_json(payload)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "payload"
        raise InvalidStatusReportError(
            f"not a firmware status report: {where}: {error['msg']}"
        ) from exc
    if report.device_id != device_id:
        raise InvalidStatusReportError(
            f"device {device_id} sent a report for device {report.device_id}"
        )
    return report


def record_device_report(
    device_id: str,
    payload: str | bytes,
    directory: DeviceDirectory,
    ports: RolloutPorts,
    now: datetime,
) -> bool:
    """Apply one device's report; False when it changes nothing. Raises a
    ``FirmwareServiceError`` for a report that can never apply (retrying cannot help) and
    ``StoreUnavailableError`` when a retry may."""
    report = parse_report(device_id, payload)
    org_id = directory.organization_of(device_id)
    if org_id is None:
        raise InvalidStatusReportError(f"device {device_id} is not registered")
    return record_status(org_id, report, ports, now)


def record_status(
    org_id: str, report: FirmwareStatusReport, ports: RolloutPorts, now: datetime
) -> bool:
    """Apply a device's report; False when it changes nothing (redelivered, late, or for another
    release). A device refusing as already running the release counts as healthy."""
    rollout = ports.rollouts.get(org_id, report.rollout_id)
    if report.release_id != rollout.release_id:
        ports.rollouts.device(org_id, rollout.rollout_id, report.device_id)
        return False
    state = ProgressState(report.state)
    if state is ProgressState.FAILED and report.running_version is not None:
        release = ports.releases.get(org_id, rollout.release_id)
        if report.running_version == release.version:
            state = ProgressState.HEALTHY

    def apply() -> int:
        return ports.rollouts.move(
            org_id,
            rollout.rollout_id,
            [report.device_id],
            state,
            now,
            code=report.code,
            detail=report.detail,
        )

    moved = apply()
    if moved == 0:  # a no-op, or a device that is not part of the rollout (raises)
        progress = ports.rollouts.device(org_id, rollout.rollout_id, report.device_id)
        if progress.state is ProgressState.PENDING and progress.wave <= rollout.wave:
            # its offer is out (offers go before the mark) and its answer overtook the mark
            ports.rollouts.move(
                org_id, rollout.rollout_id, [report.device_id], ProgressState.OFFERED, now
            )
            moved = apply()
    return moved == 1
