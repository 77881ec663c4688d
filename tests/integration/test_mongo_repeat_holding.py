"""Held repeats over the real alarm store: another process's write in between is kept, and the
held repeats join it."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import MongoClient

from iotsphere.adapters.mongo_alerting_state import ALARMS, MongoAlarmStore
from iotsphere.domain.alerting.alarm_handling import acknowledge
from iotsphere.domain.alerting.alarm_lifecycle import raise_alarm
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.services.alerting.alarm_repeats import RepeatHoldingAlarms

pytestmark = pytest.mark.integration

AT = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)


@pytest.fixture
def collection(settings):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    yield client[settings.mongo_database][ALARMS]
    client.close()


def test_held_repeats_join_an_acknowledgement_saved_by_another_process(collection):
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
    now = [0.0]
    evaluator = RepeatHoldingAlarms(MongoAlarmStore(collection), hold_s=10, clock=lambda: now[0])
    api = MongoAlarmStore(collection)
    raised, _ = raise_alarm(None, rule, "d1", AT, 81, now=AT)
    evaluator.save([raised])
    alarm = raised
    for second in range(1, 4):
        alarm = evaluator.load(org, [raised.id])[raised.id]
        alarm, _ = raise_alarm(alarm, rule, "d1", AT + timedelta(seconds=second), 90 + second, AT)
        evaluator.save_repeats([alarm])
    assert api.get(org, raised.id).count == 1  # held
    acked, _ = acknowledge(api.get(org, raised.id), "ana", AT + timedelta(seconds=2))
    api.save([acked])
    assert evaluator.load(org, [raised.id])[raised.id].acknowledged_by == "ana"
    now[0] = 10.0
    evaluator.save_repeats([])
    stored = api.get(org, raised.id)
    assert (stored.count, stored.last_value, stored.acknowledged_by) == (4, 93, "ana")
    assert stored.revision == 3  # raised, acknowledged, repeats joined
