"""Bulk import of devices from CSV, judged row by row; a file imports whole or not at all.

Columns: ``name`` and ``device_type`` (required), ``tags`` and ``groups`` (separated by ``;``),
``serial``, ``firmware_version``, and ``metadata.<key>`` for each metadata key. Unknown columns are
refused so a misspelt header never silently drops data. Row numbers count the header as row 1, as
a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from iotsphere.domain.devices.messages import Message, NewDevice

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 1000
REQUIRED_COLUMNS = ("name", "device_type")
PLAIN_COLUMNS = {"name", "device_type", "tags", "groups", "serial", "firmware_version"}
METADATA_PREFIX = "metadata."


class RowReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    row: int
    name: str = ""
    status: Literal["ok", "invalid"]
    errors: list[str] = Field(default_factory=list)


class ImportReport(Message):
    imported: bool = False
    rows: list[RowReport] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)  # about the file as a whole

    @property
    def valid(self) -> bool:
        return not self.errors and all(r.status == "ok" for r in self.rows)


def _header_errors(header: list[str]) -> list[str]:
    errors = [f"missing column {c!r}" for c in REQUIRED_COLUMNS if c not in header]
    errors += [
        f"unknown column {c[:64]!r}"
        for c in header
        if c not in PLAIN_COLUMNS and not (c.startswith(METADATA_PREFIX) and len(c) > 9)
    ]
    errors += [f"column {c!r} appears twice" for c, n in Counter(header).items() if n > 1]
    return errors


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _row_to_device(row: dict[str, str]) -> NewDevice:
    return NewDevice(
        name=row.get("name", ""),
        device_type=row.get("device_type", "").strip(),
        tags=_split(row.get("tags", "")),
        groups=_split(row.get("groups", "")),
        serial=row.get("serial", "").strip() or None,
        firmware_version=row.get("firmware_version", "").strip() or None,
        metadata={
            key.removeprefix(METADATA_PREFIX): value
            for key, value in row.items()
            if key.startswith(METADATA_PREFIX) and value != ""
        },
    )


def _problems(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(map(str, e['loc'])) or 'row'}: {e['msg']}" for e in exc.errors()]


def parse_devices_csv(text: str) -> tuple[ImportReport, list[NewDevice]]:
    """The per-row report and, when every row is valid, the devices to create (in file order)."""
    if len(text.encode()) > MAX_IMPORT_BYTES:
        return ImportReport(errors=[f"file is larger than {MAX_IMPORT_BYTES} bytes"]), []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), restval="", strict=True)
    try:
        header = [c.strip() for c in reader.fieldnames or []]
        reader.fieldnames = header
        header_errors = _header_errors(header) if header else ["the file has no header row"]
        if header_errors:
            return ImportReport(errors=header_errors), []
        raw_rows = list(reader)
    except csv.Error as exc:
        return ImportReport(errors=[f"not a CSV file: {exc}"]), []
    if not raw_rows:
        return ImportReport(errors=["the file has no device rows"]), []
    if len(raw_rows) > MAX_IMPORT_ROWS:
        return ImportReport(errors=[f"{len(raw_rows)} rows; at most {MAX_IMPORT_ROWS}"]), []
    reports: list[RowReport] = []
    devices: list[NewDevice] = []
    for number, row in enumerate(raw_rows, start=2):
        if None in row:
            reports.append(RowReport(row=number, status="invalid", errors=["too many cells"]))
            continue
        try:
            devices.append(_row_to_device(row))
            reports.append(RowReport(row=number, name=devices[-1].name, status="ok"))
        except ValidationError as exc:
            reports.append(
                RowReport(
                    row=number,
                    name=row.get("name", "")[:100],
                    status="invalid",
                    errors=_problems(exc),
                )
            )
    report = mark_duplicates(ImportReport(rows=reports))
    return report, devices if report.valid else []


def mark_duplicates(report: ImportReport) -> ImportReport:
    """Rows whose name appears more than once in the file are invalid."""
    counts = Counter(r.name for r in report.rows if r.name)
    rows = [
        add_errors(r, [f"name {r.name!r} appears {counts[r.name]} times in the file"])
        if r.name and counts[r.name] > 1
        else r
        for r in report.rows
    ]
    return report.model_copy(update={"rows": rows})


def add_errors(row: RowReport, errors: list[str]) -> RowReport:
    if not errors:
        return row
    return row.model_copy(update={"status": "invalid", "errors": [*row.errors, *errors]})
