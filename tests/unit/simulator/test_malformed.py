import json
import random
from datetime import UTC, datetime

import pytest

from iotsphere.domain.messages import RawMessage
from iotsphere.domain.telemetry import TelemetryLimits
from iotsphere.services.ingest import validate_message
from iotsphere.simulator.malformed import MalformedKind, malformed_payload
from iotsphere.simulator.payloads import encode, reading_document

AT_MS = int(datetime(2026, 11, 26, 18, tzinfo=UTC).timestamp() * 1000)
METRICS = {
    "temperature": 21.53,
    "vibration": 0.81,
    "pressure": 101.2,
    "current": 4.1,
    "mode": "auto",
}


def refusals(payload: bytes) -> list[str]:
    raw = RawMessage.from_bytes("sim-0001", payload, AT_MS + 50)
    valid, refused = validate_message(raw, TelemetryLimits())
    assert valid == []
    return [message.reason for message in refused]


def test_the_reading_they_are_built_from_is_valid():
    raw = RawMessage.from_bytes("sim-0001", encode(reading_document(AT_MS, 3, METRICS)), AT_MS)
    assert validate_message(raw, TelemetryLimits())[1] == []


@pytest.mark.parametrize("kind", list(MalformedKind))
@pytest.mark.parametrize("seed", range(12))
def test_every_malformed_kind_is_refused_by_the_contract(kind, seed):
    payload = malformed_payload(kind, AT_MS, 3, METRICS, random.Random(seed))
    assert len(refusals(payload)) == 1


def test_each_kind_breaks_what_it_says():
    def make(kind, seed=0):
        return malformed_payload(kind, AT_MS, 3, METRICS, random.Random(seed))

    with pytest.raises(json.JSONDecodeError):
        json.loads(make(MalformedKind.INVALID_JSON))
    assert b"NaN" in make(MalformedKind.NAN)
    assert len(make(MalformedKind.OVERSIZED)) > 64 * 1024
    assert json.loads(make(MalformedKind.EMPTY_METRICS))["metrics"] == {}
    future = json.loads(make(MalformedKind.FUTURE_TS))["ts"]
    assert future > reading_document(AT_MS + 86_399_999, 3, METRICS)["ts"]
    wrong = [json.loads(make(MalformedKind.WRONG_TYPE, seed)) for seed in range(20)]
    assert any(isinstance(doc["seq"], str) for doc in wrong)  # a string where a number belongs
    assert any(doc["ts"] is True for doc in wrong)
    assert any(isinstance(doc["metrics"], list) for doc in wrong)
    assert any(
        isinstance(doc["metrics"], dict)
        and any(isinstance(v, dict) for v in doc["metrics"].values())
        for doc in wrong
    )
