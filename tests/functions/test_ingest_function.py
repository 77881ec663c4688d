import json
from datetime import timedelta

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from iotsphere import bootstrap
from iotsphere.domain.telemetry import TelemetryLimits
from iotsphere.services.ingest import IngestPorts
from tests.fakes import FakePublisher, FakeQuarantine, FakeTelemetryStore
from tests.sample_events import load_event


@pytest.fixture
def ports(monkeypatch):
    fakes = IngestPorts(
        store=FakeTelemetryStore(),
        quarantine=FakeQuarantine(),
        alerts=FakePublisher(),
        limits=TelemetryLimits(max_future=timedelta(minutes=10), max_age=timedelta(days=30)),
    )
    monkeypatch.setattr(bootstrap, "ingest_ports", lambda: fakes)
    return fakes


def test_a_batch_stores_valid_readings_and_quarantines_the_rest(client, ports):
    response = client.lambda_.invoke(
        "ingest_telemetry", load_event("ingest/sqs-telemetry-batch.json")
    )
    assert response.payload == {"batchItemFailures": []}
    assert sorted(ports.store.points) == [
        ("pump-001", 1795715941000),
        ("pump-001", 1795715942000),
        ("pump-002", 1795715941000),
        ("pump-003", 1795715945000),
    ]
    assert sorted(q.device_id for q in ports.quarantine.messages.values()) == [
        "pump-003",
        "pump-004",
    ]
    forwarded = [r for body in ports.alerts.bodies for r in json.loads(body)["readings"]]
    assert len(forwarded) == 4


def test_a_store_outage_fails_only_the_failing_records(client, ports):
    event = load_event("ingest/sqs-telemetry-batch.json")
    event["Records"].append(load_event("ingest/sqs-not-an-envelope.json")["Records"][0])
    ports.store.down = True
    response = client.lambda_.invoke("ingest_telemetry", event)
    failed = {f["itemIdentifier"] for f in response.payload["batchItemFailures"]}
    assert failed == {r["messageId"] for r in event["Records"][:2]}
    assert ports.store.points == {}


def test_when_every_record_fails_the_invocation_fails_so_all_are_retried(client, ports):
    ports.store.down = True
    with pytest.raises(BatchProcessingError, match="All records failed"):
        client.lambda_.invoke("ingest_telemetry", load_event("ingest/sqs-telemetry-batch.json"))


def test_a_body_that_is_no_envelope_is_quarantined_not_retried(client, ports):
    response = client.lambda_.invoke(
        "ingest_telemetry", load_event("ingest/sqs-not-an-envelope.json")
    )
    assert response.payload == {"batchItemFailures": []}
    (refusal,) = ports.quarantine.messages.values()
    assert refusal.reason.startswith("not a telemetry envelope")
