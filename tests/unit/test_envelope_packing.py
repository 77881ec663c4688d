import json

import pytest

from iotsphere.domain.messages import (
    EnvelopePacker,
    ForwardedReading,
    RawMessage,
    TelemetryEnvelope,
    chunk_readings,
    encode_forwarded,
    encode_raw_message,
)
from iotsphere.domain.telemetry import MAX_PAYLOAD_BYTES


def raw(i: int, size: int = 100) -> RawMessage:
    return RawMessage.from_bytes(f"dev-{i}", b"x" * size, received_ms=1_000 + i)


def test_messages_pack_into_envelopes_under_the_limit_and_none_is_lost():
    packer = EnvelopePacker(max_bytes=4096)
    bodies = [body for i in range(200) if (body := packer.add(raw(i)))]
    bodies.append(packer.flush())
    assert all(len(body) <= 4096 for body in bodies)
    envelopes = [TelemetryEnvelope.model_validate_json(body) for body in bodies]
    assert [m.device_id for e in envelopes for m in e.items] == [f"dev-{i}" for i in range(200)]
    assert len({e.id for e in envelopes}) == len(envelopes)
    assert packer.flush() is None
    assert len(packer) == 0


def test_the_fast_encoding_is_the_models_json():
    for payload in (
        '{"ts": 1, "metrics": {"t": "\u00e9\\\\""}}'.encode(),
        b"\xff\x00",
        b"x" * 200_000,
    ):
        encoded = encode_raw_message("d\u00e9v", payload, 42)
        assert encoded.isascii()  # so its length is its size in bytes
        model = RawMessage.model_validate_json(encoded)
        assert model == RawMessage.from_bytes("d\u00e9v", payload, 42)
        assert model.payload_bytes() == payload[: len(model.payload_bytes())]


def test_non_utf8_payloads_travel_as_base64():
    message = RawMessage.from_bytes("dev-1", b"\xff\xfe\x00", received_ms=1)
    assert message.encoding == "base64"
    assert message.payload_bytes() == b"\xff\xfe\x00"


def test_oversized_payloads_are_cut_but_keep_their_size():
    message = RawMessage.from_bytes("dev-1", b"y" * (MAX_PAYLOAD_BYTES * 3), received_ms=1)
    assert message.size == MAX_PAYLOAD_BYTES * 3
    assert len(message.payload) == MAX_PAYLOAD_BYTES + 1


def test_a_message_larger_than_an_envelope_is_refused():
    with pytest.raises(ValueError, match="exceeds"):
        EnvelopePacker(max_bytes=2048).add(raw(1, size=4000))


def test_the_fast_forward_encoding_is_a_forwarded_reading():
    encoded = encode_forwarded("d\u00e9", 7, {"t": 1.5, "on": True, "m": "\u00e9"}, 3)
    assert encoded.isascii()
    assert ForwardedReading.model_validate_json(encoded) == ForwardedReading(
        device_id="d\u00e9", ts_ms=7, metrics={"t": 1.5, "on": True, "m": "\u00e9"}, seq=3
    )


def test_forwarded_readings_are_chunked_under_the_limit():
    readings = [
        encode_forwarded(f"d{i}", i, {"t": 1.5, "long": "z\u00e9" * 25}, None) for i in range(500)
    ]
    bodies = chunk_readings("env-1", readings, max_bytes=5000)
    assert len(bodies) > 1
    assert all(len(b.encode()) <= 5000 for b in bodies)
    decoded = [r for b in bodies for r in json.loads(b)["readings"]]
    assert [r["device_id"] for r in decoded] == [f"d{i}" for i in range(500)]
