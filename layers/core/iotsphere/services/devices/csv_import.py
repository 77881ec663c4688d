"""Bulk import from CSV: every row judged (in the file and against the registry), then all rows
onboarded together, or none when any row is refused."""

from __future__ import annotations

from iotsphere.domain.devices.csv_import import ImportReport, add_errors, parse_devices_csv
from iotsphere.domain.devices.messages import ProvisioningPackage
from iotsphere.services.devices.onboarding import check_new_devices, onboard_devices
from iotsphere.services.devices.ports import DevicePorts


def import_devices_csv(
    org_id: str, text: str, ports: DevicePorts
) -> tuple[ImportReport, list[ProvisioningPackage]]:
    """The per-row report and, when the file was imported, one provisioning package per row."""
    report, devices = parse_devices_csv(text)
    if not devices:
        return report, []
    problems = check_new_devices(org_id, devices, ports)
    rows = [
        add_errors(row, problem.split("; ") if problem else [])
        for row, problem in zip(report.rows, problems, strict=True)
    ]
    report = report.model_copy(update={"rows": rows})
    if not report.valid:
        return report, []
    packages = onboard_devices(org_id, devices, ports)
    return report.model_copy(update={"imported": True}), packages
