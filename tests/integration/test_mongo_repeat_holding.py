"""Held repeats over the real alarm store: another process's write in between is kept, and the
held repeats join it."""

from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.adapters.mongo_alerting_state import ALARMS, MongoAlarmStore
from iotsphere.domain.alerting.alarm_handling import acknowledge
from iotsphere.domain.alerting.alarm_lifecycle import raise_alarm
from iotsphere.services.alerting.alarm_repeats import RepeatHoldingAlarms
from tests.integration.test_mongo_alerting_stores import database, org, rule

pytestmark = pytest.mark.integration
__all__ = ["database"]  # the fixture, shared with the other store tests

AT = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)


def test_held_repeats_join_an_acknowledgement_saved_by_another_process(database):
    owner = org()
    hot = rule(owner)
    collection = database[ALARMS]
    now = [0.0]
    evaluator = RepeatHoldingAlarms(MongoAlarmStore(collection), hold_s=10, clock=lambda: now[0])
    api = MongoAlarmStore(collection)
    raised, _ = raise_alarm(None, hot, "d1", AT, 81, now=AT)
    evaluator.save([raised])
    alarm = raised
    for second in range(1, 4):
        alarm = evaluator.load(owner, [raised.id])[raised.id]
        alarm, _ = raise_alarm(alarm, hot, "d1", AT + timedelta(seconds=second), 90 + second, AT)
        evaluator.save_repeats([alarm])
    assert api.get(owner, raised.id).count == 1  # held
    acked, _ = acknowledge(api.get(owner, raised.id), "ana", AT + timedelta(seconds=2))
    api.save([acked])
    assert evaluator.load(owner, [raised.id])[raised.id].acknowledged_by == "ana"
    now[0] = 10.0
    evaluator.save_repeats([])
    stored = api.get(owner, raised.id)
    assert (stored.count, stored.last_value, stored.acknowledged_by) == (4, 93, "ana")
    assert stored.revision == 3  # raised, acknowledged, repeats joined
