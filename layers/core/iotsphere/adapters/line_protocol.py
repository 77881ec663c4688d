"""InfluxDB line protocol for readings: measurement ``telemetry``, tag ``device_id``, ms precision.

Numbers are always written as floats, so ``21`` and ``21.5`` of one metric never conflict in type;
``seq`` is an integer field.
"""

from __future__ import annotations

from functools import lru_cache

from iotsphere.domain.telemetry import Reading

MEASUREMENT = "telemetry"

_TAG_ESCAPES = str.maketrans({",": r"\,", "=": r"\=", " ": r"\ "})
_FIELD_KEY_ESCAPES = _TAG_ESCAPES
_STRING_ESCAPES = str.maketrans({'"': r"\"", "\\": "\\\\"})


def escape_tag(value: str) -> str:
    return value.translate(_TAG_ESCAPES)


@lru_cache(maxsize=10_000)
def field_key(name: str) -> str:
    """The escaped field key; a fleet repeats a few names, so each is escaped once."""
    return name.translate(_FIELD_KEY_ESCAPES)


def field_value(value: float | bool | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return '"' + value.translate(_STRING_ESCAPES) + '"'


def to_line(reading: Reading) -> str:
    fields = ",".join(
        f"{field_key(name)}={field_value(value)}" for name, value in reading.metrics.items()
    )
    if reading.seq is not None:
        fields += f",seq={reading.seq}i"
    return f"{MEASUREMENT},device_id={escape_tag(reading.device_id)} {fields} {reading.epoch_ms}"
