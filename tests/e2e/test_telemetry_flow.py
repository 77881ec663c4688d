"""Telemetry end to end: real Mosquitto, bridge, LocalStack SQS, runner, ingest, InfluxDB."""

import json
import time

import pytest

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.bootstrap import build_quarantine_store
from iotsphere.domain.messages import EnvelopePacker, RawMessage
from tests.e2e.fleet import (
    in_background,
    new_prefix,
    reading,
    readings_for,
    recent_base,
    stored_count,
    wait_until,
)

pytestmark = pytest.mark.e2e


def test_100_devices_by_100_readings_are_each_stored_exactly_once(platform, publisher, settings):
    prefix = new_prefix()
    sent = publisher.publish_all(
        readings_for(prefix, devices=100, per_device=100, base=recent_base())
    )
    assert sent == 10_000
    assert wait_until(lambda: stored_count(settings, prefix) >= 10_000, timeout=120)
    time.sleep(2)  # anything late and extra would show now
    assert stored_count(settings, prefix) == 10_000


def test_malformed_readings_are_quarantined_with_reasons_and_valid_ones_stored(
    platform, publisher, settings
):
    prefix = new_prefix()
    base = recent_base()
    bad = {
        f"{prefix}-json": b'{"ts": "2026-01-01T00:00:00Z", "metrics": {',
        f"{prefix}-type": json.dumps(reading(1, base, temperature=[1, 2])).encode(),
        f"{prefix}-nan": b'{"ts": "%s", "metrics": {"temperature": NaN}}'
        % reading(2, base)["ts"].encode(),
        f"{prefix}-big": json.dumps(reading(3, base, blob="x" * 60)).encode() + b" " * 200_000,
        f"{prefix}-future": json.dumps(
            {"ts": "2099-01-01T00:00:00Z", "metrics": {"t": 1}}
        ).encode(),
    }
    expected_reason = {
        f"{prefix}-json": "payload is not valid JSON",
        f"{prefix}-type": "metric 'temperature' must be a number",
        f"{prefix}-nan": "NaN is not a number JSON allows",
        f"{prefix}-big": "payload of 200",
        f"{prefix}-future": "ahead of the platform clock",
    }
    good = readings_for(prefix, devices=10, per_device=20, base=base)
    mixed = good[:100] + list(bad.items()) + good[100:]
    publisher.publish_all(mixed)
    assert wait_until(lambda: stored_count(settings, prefix) >= 200, timeout=60)
    quarantine = build_quarantine_store(settings)

    def all_quarantined() -> bool:
        return all(quarantine.list(device_id=device) for device in bad)

    assert wait_until(all_quarantined, timeout=30)
    for device, reason in expected_reason.items():
        (entry,) = quarantine.list(device_id=device)
        assert entry.reason.startswith(reason) or reason in entry.reason, entry.reason
    assert stored_count(settings, prefix) == 200


def test_the_same_sqs_message_delivered_twice_stores_nothing_twice(platform, settings):
    prefix = new_prefix()
    base = recent_base()
    packer = EnvelopePacker()
    now_ms = int(time.time() * 1000)
    for seq in range(50):
        packer.add(
            RawMessage.from_bytes(f"{prefix}-000", json.dumps(reading(seq, base)).encode(), now_ms)
        )
    body = packer.flush()
    sqs = aws_client("sqs", settings)
    url = queue_url(sqs, settings.telemetry_queue)
    sqs.send_message(QueueUrl=url, MessageBody=body)
    assert wait_until(lambda: stored_count(settings, prefix) >= 50, timeout=30)
    sqs.send_message(QueueUrl=url, MessageBody=body)
    time.sleep(5)
    assert stored_count(settings, prefix) == 50


def dlq_depth(settings) -> int:
    sqs = aws_client("sqs", settings)
    url = queue_url(sqs, f"{settings.telemetry_queue}-dlq")
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def publish_through(publisher, settings, disruption, per_second: float) -> None:
    """3,000 readings from 20 devices while ``disruption`` runs; all stored, each exactly once."""
    prefix = new_prefix()
    messages = readings_for(prefix, devices=20, per_device=150, base=recent_base())
    sending = in_background(lambda: publisher.publish_all(messages, per_second=per_second))
    time.sleep(3)
    disruption()
    sending.join(timeout=60)
    assert wait_until(lambda: stored_count(settings, prefix) >= 3000, timeout=240, every=2)
    time.sleep(2)
    assert stored_count(settings, prefix) == 3000


def test_influxdb_down_for_20_seconds_loses_and_duplicates_nothing(
    platform, publisher, settings, stack
):
    def influxdb_outage() -> None:
        stack.stop("influxdb")
        time.sleep(20)
        stack.start("influxdb")

    publish_through(publisher, settings, influxdb_outage, per_second=120)
    assert dlq_depth(settings) == 0


def test_the_bridge_killed_and_restarted_loses_nothing(platform, publisher, settings, stack):
    def bridge_crash() -> None:
        stack.kill("bridge")
        time.sleep(3)
        stack.start("bridge")

    publish_through(publisher, settings, bridge_crash, per_second=300)
