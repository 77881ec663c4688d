"""CSV for series scoring: rows ``timestamp,value`` in, the same rows plus ``score,alarm`` out.

A timestamp is ISO 8601 or epoch milliseconds, as in the telemetry contract; a first row whose
first cell is ``timestamp`` is a header.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TextIO

from iotsphere.domain.errors import InvalidReadingError
from iotsphere.domain.telemetry import parse_timestamp
from iotsphere.services.alerting.errors import AlertingServiceError
from iotsphere.services.alerting.scoring import ScoredRow

HEADER = ["timestamp", "value", "score", "alarm"]


class SeriesFormatError(AlertingServiceError):
    """A row of the input cannot be read; the message names the line."""


def read_series(lines: Iterable[str]) -> tuple[list[list[str]], list[tuple[datetime, float]]]:
    """The raw cells of each row (written back as they came) and the parsed series."""
    cells: list[list[str]] = []
    series: list[tuple[datetime, float]] = []
    for number, row in enumerate(csv.reader(lines), start=1):
        if not row or (number == 1 and row[0].strip().lower() == "timestamp"):
            continue
        if len(row) < 2:
            raise SeriesFormatError(f"line {number}: expected timestamp,value")
        series.append((_timestamp(row[0], number), _value(row[1], number)))
        cells.append(row[:2])
    return cells, series


def write_scored(out: TextIO, cells: Sequence[list[str]], scored: Sequence[ScoredRow]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row, result in zip(cells, scored, strict=True):
        score = "" if result.score is None else _number(result.score)
        writer.writerow([*row, score, int(result.alarm)])


def _timestamp(cell: str, number: int) -> datetime:
    text = cell.strip()
    try:
        return parse_timestamp(float(text) if _is_number(text) else text)
    except InvalidReadingError as exc:
        raise SeriesFormatError(f"line {number}: {exc}") from exc


def _value(cell: str, number: int) -> float:
    try:
        value = float(cell)
    except ValueError as exc:
        raise SeriesFormatError(f"line {number}: value {cell[:40]!r} is not a number") from exc
    if not math.isfinite(value):
        raise SeriesFormatError(f"line {number}: value must be finite")
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _number(score: float) -> str:
    return repr(round(score, 6)) if math.isfinite(score) else ("inf" if score > 0 else "-inf")
