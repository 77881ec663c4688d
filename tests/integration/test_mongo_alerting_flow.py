"""evaluate_readings, the sweep and alarm actions over the real MongoDB-wire server: the alarm
survives in MongoDB, a redelivered batch notifies nothing twice, an acknowledgement sticks."""

import json
import uuid
from datetime import timedelta

import pytest

from iotsphere.adapters.mongo_alerting_ports import (
    mongo_alarm_action_ports,
    mongo_alerting_ports,
)
from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.domain.alerting.transitions import AlarmStatus
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.alarm_actions import acknowledge_alarm
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.sweep import sweep_missing_data
from tests.fakes import FakePublisher
from tests.integration.test_mongo_alerting_stores import AT, T0, database, register_pump
from tests.unit.alerting.fakes import FakeHistory, FakeLog

pytestmark = pytest.mark.integration
__all__ = ["database"]  # the fixture, shared with the other store tests


def test_alarms_rise_once_survive_in_mongodb_and_take_acknowledgements(database):
    org = uuid.uuid4().hex[:12]
    device_id = f"pump-{uuid.uuid4().hex[:8]}"
    register_pump(database, org, device_id)
    rules = MongoRuleStore(database[RULES])
    for rule_id, condition in [
        ("hot", {"type": "threshold", "op": "above", "set": 80, "clear": 75}),
        ("quiet", {"type": "missing_data", "timeout_s": 60}),
    ]:
        rules.save(
            parse_rule(
                {
                    "id": rule_id,
                    "org_id": org,
                    "name": rule_id,
                    "scope": {"kind": "all"},
                    "metric": "temperature",
                    "severity": "major",
                    "lateness_s": 0,
                    "condition": condition,
                }
            )
        )
    log, notifications = FakeLog(), FakePublisher()
    ports = mongo_alerting_ports(
        database, history=FakeHistory(), transitions=log, notifications=notifications
    )
    batch = ReadingsBatch(
        envelope_id="e1",
        readings=[
            ForwardedReading(device_id=device_id, ts_ms=T0 + s * 1000, metrics={"temperature": v})
            for s, v in [(0, 70.0), (1, 85.0), (2, 90.0)]
        ],
    )
    first = evaluate_readings(batch, ports, AT + timedelta(minutes=1))
    again = evaluate_readings(batch, ports, AT + timedelta(minutes=1))
    assert [t.kind.value for t in first.transitions] == ["raised"]
    assert (again.transitions, again.late_dropped) == ([], 6)

    swept = sweep_missing_data(AT + timedelta(minutes=5), ports)
    assert [(t.rule_id, t.kind.value) for t in swept.transitions if t.org_id == org] == [
        ("quiet", "raised")
    ]
    ours = [json.loads(b) for b in notifications.bodies if json.loads(b)["org_id"] == org]
    assert [(m["transition"]["rule_id"], m["transition"]["kind"]) for m in ours] == [
        ("hot", "raised"),
        ("quiet", "raised"),
    ]

    alarm_id = first.transitions[0].alarm_id
    actions = mongo_alarm_action_ports(database, transitions=log, notifications=notifications)
    acknowledge_alarm(org, alarm_id, "ana", AT + timedelta(minutes=6), actions)
    stored = ports.alarms.load(org, [alarm_id])[alarm_id]
    assert (stored.status, stored.count, stored.acknowledged_by) == (
        AlarmStatus.ACKNOWLEDGED,
        2,
        "ana",
    )
