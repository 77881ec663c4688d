"""Firmware status reports as devices send them (``devices/<id>/firmware/status``, through the
bridge into a queue). The device id comes from the topic, which the broker ties to the device's
identity; a report naming another device is refused."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from iotsphere.domain.firmware.progress import FirmwareStatusReport
from iotsphere.services.firmware.errors import InvalidStatusReportError
from iotsphere.services.firmware.ports import DeviceDirectory
from iotsphere.services.firmware.rollouts import RolloutPorts, record_status


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
