"""send_alarm_outbox through the Chalice test client, on fakes of the ports."""

import json
from datetime import UTC, datetime

import pytest
from chalice import Chalice
from chalice.test import Client

from chalicelib import alarm_outbox
from iotsphere import bootstrap
from iotsphere.domain.alerting.alarm_lifecycle import raise_alarm
from iotsphere.services.alerting.alarm_actions import AlarmActionPorts, acknowledge_alarm
from iotsphere.services.alerting.alarm_outbox import OutboxPorts
from iotsphere.services.errors import StoreUnavailableError
from tests.fakes import FakePublisher
from tests.sample_events import load_event
from tests.unit.alerting.fakes import FakeLog, FakeRules
from tests.unit.alerting.rules import make_rule
from tests.unit.alerting.test_alarm_outbox import PendingAlarms

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


class RefusingPublisher(FakePublisher):
    def publish(self, bodies):
        raise StoreUnavailableError("queue down")


@pytest.fixture
def client():
    app = Chalice(app_name="alarm-outbox-test")
    app.register_blueprint(alarm_outbox.bp)
    with Client(app) as test_client:
        yield test_client


def test_the_schedule_sends_an_acknowledgement_the_queue_refused_once(client, monkeypatch):
    rules, alarms = FakeRules(), PendingAlarms()
    rule = make_rule({"type": "threshold", "op": "above", "set": 80})
    rules.save(rule)
    alarm, _ = raise_alarm(None, rule, "d1", AT, 90.0, now=AT)
    alarms.save([alarm])
    refused = AlarmActionPorts(alarms, rules, FakeLog(), RefusingPublisher())
    acknowledge_alarm("org-a", alarm.id, "ana", AT, refused)
    sent = FakePublisher()
    ports = OutboxPorts(pending=alarms, actions=AlarmActionPorts(alarms, rules, FakeLog(), sent))
    monkeypatch.setattr(bootstrap, "alarm_outbox_ports", lambda: ports, raising=False)
    event = load_event("alerts_schedule-sweep.json")
    first = client.lambda_.invoke("send_alarm_outbox", event)
    assert first.payload == {"alarms": 1, "transitions": 1}
    assert [json.loads(b)["transition"]["kind"] for b in sent.bodies] == ["acknowledged"]
    again = client.lambda_.invoke("send_alarm_outbox", event)
    assert again.payload == {"alarms": 0, "transitions": 0}
    assert len(sent.bodies) == 1
