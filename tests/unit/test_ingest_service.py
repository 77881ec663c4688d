import json
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.messages import EnvelopePacker, RawMessage
from iotsphere.domain.telemetry import TelemetryLimits
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.ingest import IngestPorts, ingest_message
from tests.fakes import FakePublisher, FakeQuarantine, FakeTelemetryStore

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)


@pytest.fixture
def ports():
    return IngestPorts(
        store=FakeTelemetryStore(),
        quarantine=FakeQuarantine(),
        alerts=FakePublisher(),
        limits=TelemetryLimits(max_future=timedelta(minutes=10), max_age=timedelta(days=30)),
    )


def reading(seq: int, **extra) -> bytes:
    ts = (NOW - timedelta(seconds=100 - seq)).isoformat()
    return json.dumps({"ts": ts, "seq": seq, "metrics": {"t": 20.0 + seq}, **extra}).encode()


def envelope(*payloads: tuple[str, bytes]) -> str:
    packer = EnvelopePacker()
    for device_id, payload in payloads:
        assert packer.add(RawMessage.from_bytes(device_id, payload, received_ms=NOW_MS)) is None
    body = packer.flush()
    assert body is not None
    return body


def test_valid_readings_are_stored_in_one_write_and_forwarded(ports):
    result = ingest_message(envelope(*[("d1", reading(i)) for i in range(5)]), NOW_MS, ports)
    assert (result.stored, result.quarantined) == (5, 0)
    assert ports.store.writes == 1
    assert len(ports.store.points) == 5
    forwarded = [r for body in ports.alerts.bodies for r in json.loads(body)["readings"]]
    assert [r["seq"] for r in forwarded] == [0, 1, 2, 3, 4]


def test_invalid_messages_are_quarantined_with_reasons_and_valid_ones_still_stored(ports):
    body = envelope(
        ("d1", reading(1)),
        ("d1", b"{not json"),
        ("d2", b'{"ts": "2026-11-26T17:59:00Z", "metrics": {"t": NaN}}'),
        ("d2", reading(2, metrics={"t": "x" * 100})),
        ("d3", json.dumps({"ts": "2027-01-01T00:00:00Z", "metrics": {"t": 1}}).encode()),
        ("d3", b"\xff\xfe"),
        ("d4", b"[]"),
        ("d4", b"x" * 200_000),
        ("d5", reading(3)),
    )
    result = ingest_message(body, NOW_MS, ports)
    assert (result.stored, result.quarantined) == (2, 7)
    reasons = sorted(
        (q.device_id, q.reason.split(":")[0]) for q in ports.quarantine.messages.values()
    )
    assert reasons == [
        ("d1", "payload is not valid JSON"),
        ("d2", "NaN is not a number JSON allows"),
        ("d2", "metric 't' is a string of 100 characters; at most 64"),
        ("d3", "payload is not UTF-8 text"),
        ("d3", "ts 2027-01-01T00"),
        ("d4", "payload is an empty list of readings"),
        ("d4", "payload of 200000 bytes; at most 131072"),
    ]
    assert {q.payload for q in ports.quarantine.messages.values() if q.device_id == "d1"} == {
        "{not json"
    }


def test_one_bad_reading_in_a_list_is_quarantined_alone(ports):
    payload = json.dumps([json.loads(reading(1)), {"metrics": {"t": 1}}, json.loads(reading(2))])
    result = ingest_message(envelope(("d1", payload.encode())), NOW_MS, ports)
    assert (result.stored, result.quarantined) == (2, 1)
    (refusal,) = ports.quarantine.messages.values()
    assert refusal.reason.startswith("reading 1: ts is required")


def test_redelivery_stores_nothing_twice(ports):
    body = envelope(("d1", reading(1)), ("d1", reading(2)), ("d1", b"garbage"))
    ingest_message(body, NOW_MS, ports)
    ingest_message(body, NOW_MS, ports)
    assert len(ports.store.points) == 2
    assert len(ports.quarantine.messages) == 1


def test_an_unavailable_store_fails_the_message_and_forwards_nothing(ports):
    ports.store.down = True
    with pytest.raises(StoreUnavailableError):
        ingest_message(envelope(("d1", reading(1))), NOW_MS, ports)
    assert ports.alerts.bodies == []


def test_readings_the_store_refuses_are_quarantined_not_forwarded(ports):
    ports.store.refuse = {"mode": "field type conflict: mode is float"}
    body = envelope(("d1", reading(1)), ("d1", reading(2, metrics={"mode": "auto"})))
    result = ingest_message(body, NOW_MS, ports)
    assert (result.stored, result.quarantined) == (1, 1)
    (refusal,) = ports.quarantine.messages.values()
    assert "field type conflict" in refusal.reason
    forwarded = [r for body in ports.alerts.bodies for r in json.loads(body)["readings"]]
    assert [r["seq"] for r in forwarded] == [1]


def test_a_body_that_is_no_envelope_delivered_twice_is_quarantined_once(ports):
    ingest_message("not an envelope", NOW_MS, ports)
    ingest_message("not an envelope", NOW_MS, ports)
    assert len(ports.quarantine.messages) == 1


def test_a_body_that_is_no_envelope_is_quarantined_whole(ports):
    result = ingest_message('{"hello": 1}', NOW_MS, ports)
    assert (result.stored, result.quarantined) == (0, 1)
    (refusal,) = ports.quarantine.messages.values()
    assert refusal.reason.startswith("not a telemetry envelope")
    assert refusal.payload == '{"hello": 1}'
