from datetime import UTC, datetime

from iotsphere.adapters.line_protocol import to_line
from iotsphere.domain.telemetry import Reading


def reading(**metrics) -> Reading:
    return Reading(
        device_id="dev 1,a=b",
        ts=datetime(2026, 11, 26, 18, 0, 0, 123000, tzinfo=UTC),
        metrics=metrics,
        seq=5,
    )


def test_line_has_escaped_tag_typed_fields_and_millisecond_time():
    line = to_line(reading(temperature=21.0, door=False, mode='say "hi"\\'))
    assert line == (
        r"telemetry,device_id=dev\ 1\,a\=b "
        r'temperature=21.0,door=false,mode="say \"hi\"\\",seq=5i 1795716000123'
    )


def test_floats_keep_full_precision():
    assert "x=0.1234567890123" in to_line(reading(x=0.1234567890123))
    assert "x=1e-20" in to_line(reading(x=1e-20))
