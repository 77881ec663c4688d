"""The outbox of people's actions against the real MongoDB-wire server of the test stack: an
acknowledgement whose queue send never happened is found by the sweep's query, sent once, and
emptied."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import MongoClient

from iotsphere.adapters.mongo_alarm_outbox import mongo_alarm_outbox_ports
from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.adapters.mongo_alerting_state import ALARMS, MongoAlarmStore
from iotsphere.domain.alerting.alarm_lifecycle import raise_alarm
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.services.alerting.alarm_actions import AlarmActionPorts, acknowledge_alarm
from iotsphere.services.alerting.alarm_outbox import send_pending_actions
from iotsphere.services.errors import StoreUnavailableError
from tests.fakes import FakePublisher
from tests.unit.alerting.fakes import FakeLog

pytestmark = pytest.mark.integration

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


class RefusingPublisher(FakePublisher):
    def publish(self, bodies):
        raise StoreUnavailableError("queue down")


@pytest.fixture
def database(settings):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    yield client[settings.mongo_database]
    client.close()


def test_a_pending_acknowledgement_is_found_sent_once_and_emptied(database):
    org = f"org-{uuid.uuid4().hex[:8]}"
    rule = parse_rule(
        {
            "id": "r1",
            "org_id": org,
            "name": "hot",
            "scope": {"kind": "all"},
            "metric": "temperature",
            "severity": "major",
            "condition": {"type": "threshold", "op": "above", "set": 80},
        }
    )
    MongoRuleStore(database[RULES]).save(rule)
    alarms = MongoAlarmStore(database[ALARMS])
    pending, _ = raise_alarm(None, rule, "d1", AT, 90.0, now=AT)
    quiet, _ = raise_alarm(None, rule, "d2", AT, 91.0, now=AT)
    alarms.save([pending, quiet])
    refused = AlarmActionPorts(
        alarms=alarms,
        rules=MongoRuleStore(database[RULES]),
        transitions=FakeLog(),
        notifications=RefusingPublisher(),
    )
    acknowledged = acknowledge_alarm(org, pending.id, "ana", AT, refused)
    (waiting,) = acknowledged.outbox
    found = {a.id: a for a in alarms.with_outbox(limit=10_000)}
    assert found[pending.id] == acknowledged
    assert quiet.id not in found

    sent, log = FakePublisher(), FakeLog()
    ports = mongo_alarm_outbox_ports(database, transitions=log, notifications=sent)
    send_pending_actions(AT + timedelta(minutes=1), ports)
    mine = [json.loads(b) for b in sent.bodies if json.loads(b)["org_id"] == org]
    assert [(m["idempotency_key"], m["rule_name"]) for m in mine] == [(waiting.key, "hot")]
    stored = alarms.load(org, [pending.id])[pending.id]
    assert (stored.outbox, stored.acknowledged_by) == ([], "ana")
    again = FakePublisher()
    send_pending_actions(
        AT + timedelta(minutes=2),
        mongo_alarm_outbox_ports(database, transitions=FakeLog(), notifications=again),
    )
    assert [b for b in again.bodies if json.loads(b)["org_id"] == org] == []
