"""evaluate_alerts and sweep_missing_data through the Chalice test client, on fakes of the ports."""

import json

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from chalice import Chalice
from chalice.test import Client

from chalicelib import alerts
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.domain.alerting.scope import DeviceProfile
from tests.sample_events import load_event
from tests.unit.alerting.fakes import FakeDevices, Fakes


@pytest.fixture
def client():
    app = Chalice(app_name="alerts-test")
    app.register_blueprint(alerts.bp)
    with Client(app) as test_client:
        yield test_client


def rule(rule_id, condition):
    return parse_rule(
        {
            "id": rule_id,
            "org_id": "orga",
            "name": rule_id,
            "scope": {"kind": "all"},
            "metric": "temperature",
            "severity": "major",
            "lateness_s": 0,
            "condition": condition,
        }
    )


@pytest.fixture
def fakes(monkeypatch):
    found = Fakes(devices=FakeDevices(DeviceProfile(device_id="pump-001", org_id="orga")))
    found.rules.rules["hot"] = rule("hot", {"type": "threshold", "op": "above", "set": 80})
    found.rules.rules["quiet"] = rule("quiet", {"type": "missing_data", "timeout_s": 60})
    monkeypatch.setattr(alerts, "alerting_ports", found.ports)
    return found


def notified(fakes):
    return [
        (body["transition"]["rule_id"], body["transition"]["kind"], body["transition"]["at"])
        for body in map(json.loads, fakes.notifications.bodies)
    ]


def test_a_batch_raises_and_clears_and_a_redelivery_notifies_nothing_more(client, fakes):
    event = load_event("alerts_sqs-readings-batch.json")
    response = client.lambda_.invoke("evaluate_alerts", event)
    assert response.payload == {"batchItemFailures": []}
    expected = [
        ("hot", "raised", "2026-11-26T18:00:02Z"),
        ("hot", "cleared", "2026-11-26T18:00:04Z"),
    ]
    assert notified(fakes) == expected
    client.lambda_.invoke("evaluate_alerts", event)
    assert notified(fakes) == expected
    assert len(fakes.transitions.kept) == 2


def test_the_records_of_one_invocation_are_evaluated_together_in_device_time(client, fakes):
    """The second message's readings come first here; evaluated message by message, with no
    lateness, the first message's older readings would come too late and its raise be lost."""
    event = load_event("alerts_sqs-readings-batch.json")
    event["Records"].reverse()
    response = client.lambda_.invoke("evaluate_alerts", event)
    assert response.payload == {"batchItemFailures": []}
    assert notified(fakes) == [
        ("hot", "raised", "2026-11-26T18:00:02Z"),
        ("hot", "cleared", "2026-11-26T18:00:04Z"),
    ]


def test_a_body_that_is_no_readings_batch_fails_only_its_record(client, fakes):
    event = load_event("alerts_sqs-readings-batch.json")
    event["Records"][1]["body"] = '{"hello": 1}'
    response = client.lambda_.invoke("evaluate_alerts", event)
    assert response.payload == {
        "batchItemFailures": [{"itemIdentifier": event["Records"][1]["messageId"]}]
    }
    assert notified(fakes) == [("hot", "raised", "2026-11-26T18:00:02Z")]  # the good record's


def test_when_the_stores_are_down_every_record_comes_back(client, fakes):
    def down(_):
        raise ConnectionError("alarm store down")

    fakes.alarms.load = lambda org_id, ids: down(ids)
    with pytest.raises(BatchProcessingError, match="All records failed"):
        client.lambda_.invoke("evaluate_alerts", load_event("alerts_sqs-readings-batch.json"))


def test_the_sweep_uses_the_schedules_time_and_raises_missing_data(client, fakes):
    client.lambda_.invoke("evaluate_alerts", load_event("alerts_sqs-readings-batch.json"))
    response = client.lambda_.invoke("sweep_missing_data", load_event("alerts_schedule-sweep.json"))
    assert response.payload == {"organizations": 1, "transitions": 1}
    assert notified(fakes)[-1] == ("quiet", "raised", "2026-11-26T18:01:04Z")
    again = client.lambda_.invoke("sweep_missing_data", load_event("alerts_schedule-sweep.json"))
    assert again.payload == {"organizations": 1, "transitions": 0}
