"""The notification stores against the real MongoDB-wire server of the test stack: claims won
once, due deliveries taken once, tenancy, the in-app feed."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import MongoClient

from iotsphere.adapters.mongo_notifications_deliveries import COLLECTION as DELIVERIES
from iotsphere.adapters.mongo_notifications_deliveries import MongoDeliveryStore
from iotsphere.adapters.mongo_notifications_inbox import COLLECTION as INBOX
from iotsphere.adapters.mongo_notifications_inbox import MongoInboxStore
from iotsphere.adapters.mongo_notifications_subscriptions import COLLECTION as SUBSCRIPTIONS
from iotsphere.adapters.mongo_notifications_subscriptions import MongoSubscriptionStore
from iotsphere.domain.notifications.deliveries import Attempt, DeliveryStatus, after_attempt
from iotsphere.domain.notifications.payloads import Notification
from iotsphere.services.notifications.deliver import new_delivery
from iotsphere.services.notifications.errors import ConflictError, NotFoundError
from iotsphere.services.notifications.in_app import InAppChannel
from tests.unit.notifications.factories import message, subscription

pytestmark = pytest.mark.integration

NOW = datetime.now(tz=UTC).replace(microsecond=0)  # recent: the collections expire old records


@pytest.fixture
def database(settings):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    yield client[settings.mongo_database]
    client.close()


@pytest.fixture
def org(database):
    """A fresh organization; its records are removed afterwards, so claims across
    organizations (``claim_due``) never meet another run's leftovers."""
    name = f"notify-{uuid.uuid4().hex[:8]}"
    yield name
    for collection in (DELIVERIES, INBOX, SUBSCRIPTIONS):
        database[collection].delete_many({"org_id": name})


def test_subscriptions_round_trip_scoped_by_organization(database, org):
    store = MongoSubscriptionStore(database[SUBSCRIPTIONS])
    store.ensure_indexes()
    quiet = {"start": "22:00", "end": "07:00", "time_zone": "Europe/Berlin"}
    saved = subscription("s1", org_id=org, quiet_hours=quiet, digest={"every_minutes": 5})
    store.save(saved)
    store.save(subscription("s2", org_id=org, subscriber={"kind": "team", "id": "ops"}))
    assert store.get(org, "s1") == saved
    assert [s.id for s in store.list_subscriptions(org)] == ["s1", "s2"]
    assert [s.id for s in store.list_subscriptions(org, subscriber_id="ops")] == ["s2"]
    with pytest.raises(NotFoundError):
        store.get("another-org", "s1")
    with pytest.raises(NotFoundError):
        store.delete("another-org", "s1")
    store.delete(org, "s1")
    with pytest.raises(NotFoundError):
        store.get(org, "s1")


def test_a_delivery_is_claimed_once_by_concurrent_notifiers(database, org):
    store = MongoDeliveryStore(database[DELIVERIES])
    store.ensure_indexes()
    delivery = new_delivery(message(org_id=org), subscription(org_id=org), NOW, None, "c0")
    with ThreadPoolExecutor(max_workers=8) as pool:
        wins = list(pool.map(lambda _: store.claim_new(delivery), range(8)))
    assert wins.count(True) == 1
    (stored,) = store.list_deliveries(org)
    assert stored == delivery


def test_due_deliveries_are_taken_once_and_a_lost_claim_cannot_save(database, org):
    store = MongoDeliveryStore(database[DELIVERIES])
    sub = subscription(org_id=org)
    held = new_delivery(message(org_id=org, key="h"), sub, NOW, NOW + timedelta(minutes=5), "")
    later = new_delivery(message(org_id=org, key="l"), sub, NOW, NOW + timedelta(hours=1), "")
    crashed = new_delivery(message(org_id=org, key="c"), sub, NOW, None, "dead-notifier")
    for delivery in (held, later, crashed):
        assert store.claim_new(delivery)
    moment = NOW + timedelta(minutes=5)
    taken = [
        d
        for d in store.claim_due(moment, moment + timedelta(minutes=2), "c1", 1000)
        if d.org_id == org
    ]
    assert sorted(d.idempotency_key for d in taken) == ["c", "h"]
    assert {(d.status, d.claim) for d in taken} == {(DeliveryStatus.SENDING, "c1")}
    again = store.claim_due(moment, moment + timedelta(minutes=2), "c2", 1000)
    assert [d for d in again if d.org_id == org] == []
    ok = Attempt(at=moment, channel="webhook", outcome="delivered", status_code=200)
    assert not store.finish(after_attempt(taken[0], ok, moment), "dead-notifier")
    assert store.finish(after_attempt(taken[0], ok, moment), "c1")
    delivered = store.list_deliveries(org, status=DeliveryStatus.DELIVERED)
    assert [d.attempts for d in delivered] == [[ok]]
    assert len(store.list_deliveries(org, subscription_id=sub.id)) == 3
    assert store.list_deliveries("another-org") == []


def test_the_inbox_keeps_one_item_per_transition_and_marks_read_once(database, org):
    store = MongoInboxStore(database[INBOX])
    store.ensure_indexes()
    sub = subscription(org_id=org, channel={"type": "in_app"})
    first = new_delivery(message(org_id=org, key="a", at=NOW), sub, NOW, None, "c")
    second = new_delivery(
        message(org_id=org, key="b", at=NOW + timedelta(seconds=1)), sub, NOW, None, "c"
    )
    channel = InAppChannel(store)
    channel.send(sub, Notification.of([first]))
    channel.send(sub, Notification.of([first]))
    channel.send(sub, Notification.of([second]))
    items = store.list_items(org, "u1")
    assert [i.item.idempotency_key for i in items] == ["b", "a"]
    read = store.mark_read(org, "u1", items[1].id, NOW)
    assert store.mark_read(org, "u1", items[1].id, NOW + timedelta(hours=1)).read_at == read.read_at
    assert [i.item.idempotency_key for i in store.list_items(org, "u1", unread_only=True)] == ["b"]
    assert store.count_unread(org, "u1") == 1
    assert store.count_unread(org, "u2") == store.count_unread("another-org", "u1") == 0
    with pytest.raises(NotFoundError):
        store.mark_read(org, "u2", items[0].id, NOW)
    with pytest.raises(NotFoundError):
        store.mark_read("another-org", "u1", items[0].id, NOW)


def test_only_a_dead_delivery_of_the_organization_is_redriven(database, org):
    store = MongoDeliveryStore(database[DELIVERIES])
    sub = subscription(org_id=org)
    sending = new_delivery(message(org_id=org, key="r"), sub, NOW, None, "c1")
    store.claim_new(sending)
    failed = Attempt(at=NOW, channel="webhook", outcome="failed", status_code=410, error="gone")
    store.finish(after_attempt(sending, failed, NOW, permanent=True), "c1")
    with pytest.raises(NotFoundError):
        store.redrive("another-org", sending.id, NOW)
    later = NOW + timedelta(hours=1)
    redriven = store.redrive(org, sending.id, later)
    assert (redriven.status, redriven.next_at, redriven.attempts) == (
        DeliveryStatus.RETRYING,
        later,
        [failed],
    )
    with pytest.raises(ConflictError):
        store.redrive(org, sending.id, later)
