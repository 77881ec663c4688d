"""The outbox sweep's query across organizations rides a sparse index on the real MongoDB-wire
server of the test stack: an alarm carries ``outbox_pending`` only while its outbox holds
transitions, so the index has an entry for those alarms alone and every other save pays nearly
nothing for it."""

import uuid
from datetime import UTC, datetime

import pytest
from pymongo import MongoClient

from iotsphere.adapters.mongo_alerting_state import ALARMS, MongoAlarmStore
from iotsphere.domain.alerting.alarm_handling import acknowledge
from iotsphere.domain.alerting.alarm_lifecycle import raise_alarm
from iotsphere.domain.alerting.alarms import stage, unstage
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.services.alerting.errors import ConcurrentUpdateError

pytestmark = pytest.mark.integration

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


@pytest.fixture
def alarms(settings):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    collection = client[settings.mongo_database][ALARMS]
    store = MongoAlarmStore(collection)
    store.ensure_indexes()
    yield store, collection
    client.close()


def raised(device_id: str):
    org_id = f"org-{uuid.uuid4().hex[:8]}"
    rule = parse_rule(
        {
            "id": "r1",
            "org_id": org_id,
            "name": "hot",
            "scope": {"kind": "all"},
            "metric": "temperature",
            "severity": "major",
            "condition": {"type": "threshold", "op": "above", "set": 80},
        }
    )
    alarm, _ = raise_alarm(None, rule, device_id, AT, 90.0, now=AT)
    return alarm


def pending_ids(store, ids):
    return {a.id for a in store.with_outbox(limit=100_000)} & set(ids)


def test_the_outbox_flag_has_no_index_and_an_earlier_one_is_dropped(alarms):
    """Every alarm save would pay for it (a third more on the MongoDB-wire server), for a query
    the sweep makes once a minute."""
    store, collection = alarms
    collection.create_index([("outbox_pending", 1)], sparse=True)
    store.ensure_indexes()
    keys = [spec["key"] for spec in collection.index_information().values()]
    assert [("outbox_pending", 1)] not in keys
    store.ensure_indexes()  # again: nothing to drop


def test_the_flag_follows_the_outbox_through_revision_checked_saves(alarms):
    store, collection = alarms
    quiet, busy = raised("d1"), raised("d2")
    store.save([quiet, busy])
    busy = store.load(busy.org_id, [busy.id])[busy.id]
    acknowledged, transitions = acknowledge(busy, "ana", AT)
    store.save([stage(acknowledged, transitions)])
    assert pending_ids(store, [quiet.id, busy.id]) == {busy.id}
    stored = collection.find_one({"_id": busy.id})
    assert stored["outbox_pending"] is True
    assert "outbox_pending" not in collection.find_one({"_id": quiet.id})

    found = store.load(busy.org_id, [busy.id])[busy.id]
    assert found.outbox == transitions
    with pytest.raises(ConcurrentUpdateError):  # the revision read before the acknowledgement
        store.save([unstage(stage(acknowledged, transitions), transitions)])
    store.save([unstage(found, transitions)])
    assert pending_ids(store, [busy.id]) == set()
    assert "outbox_pending" not in collection.find_one({"_id": busy.id})


def test_an_alarm_saved_with_an_outbox_before_the_flag_is_found_after_ensure_indexes(alarms):
    store, collection = alarms
    alarm = raised("d1")
    acknowledged, transitions = acknowledge(alarm, "ana", AT)
    store.save([stage(acknowledged, transitions)])
    collection.update_one({"_id": alarm.id}, {"$unset": {"outbox_pending": ""}})
    assert pending_ids(store, [alarm.id]) == set()
    store.ensure_indexes()
    assert pending_ids(store, [alarm.id]) == {alarm.id}
