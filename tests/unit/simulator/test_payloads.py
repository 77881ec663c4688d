import json
import re
from datetime import UTC, datetime

from iotsphere.domain.messages import RawMessage
from iotsphere.domain.telemetry import TelemetryLimits
from iotsphere.services.ingest import validate_message
from iotsphere.simulator.fleet import FleetOptions, build_fleet, device_id
from iotsphere.simulator.payloads import format_ts, telemetry_topic

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
START_S = datetime(2026, 11, 26, 18, tzinfo=UTC).timestamp()


def test_timestamps_are_utc_with_milliseconds():
    assert format_ts(int(START_S * 1000) + 123) == "2026-11-26T18:00:00.123Z"
    assert format_ts(int(START_S * 1000) + 7) == "2026-11-26T18:00:00.007Z"


def test_device_ids_and_topics():
    assert device_id("sim", 0) == "sim-0001"
    assert device_id("bench", 12344) == "bench-12345"
    assert telemetry_topic("sim-0001") == "devices/sim-0001/telemetry"


def test_a_reading_has_the_contract_shape_and_is_accepted_by_ingest():
    for device in build_fleet(FleetOptions(devices=8, failing_fraction=0.5), START_S):
        at_ms = int(START_S * 1000) + 250
        message = device.message(42, at_ms)
        assert message.topic == f"devices/{device.device_id}/telemetry"
        assert message.payload is not None
        document = json.loads(message.payload.decode("utf-8"))
        assert set(document) == {"ts", "seq", "metrics"}
        assert TS.match(document["ts"])
        assert document["seq"] == 42
        assert all(isinstance(v, float | bool | str) for v in document["metrics"].values())
        raw = RawMessage.from_bytes(device.device_id, message.payload, at_ms + 20)
        valid, refused = validate_message(raw, TelemetryLimits())
        assert refused == []
        assert valid[0].epoch_ms == at_ms
