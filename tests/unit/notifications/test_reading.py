"""The delivery log and the in-app feed, each scoped to its organization (and user)."""

from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.identity.principal import Principal
from iotsphere.services.notifications.deliver import deliver_due, send_notifications
from iotsphere.services.notifications.errors import (
    ConflictError,
    DeliveryFailedError,
    NotFoundError,
)
from iotsphere.services.notifications.reading import (
    inbox_page,
    list_deliveries,
    list_inbox,
    mark_read,
    redrive_delivery,
)
from tests.unit.notifications.factories import AT, ORG, message, subscription
from tests.unit.notifications.fakes import NotifyFakes

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def caller(subject="u1", org=ORG, role="operator"):
    return Principal(org_id=org, subject_id=subject, kind="user", role=role)


@pytest.fixture
def fakes():
    found = NotifyFakes()
    found.subscriptions.save(subscription("feed", channel={"type": "in_app"}))
    found.subscriptions.save(subscription("hook"))
    found.subscriptions.save(subscription("elsewhere", org_id="orgb"))
    send_notifications(message(key="k1"), found.ports(), NOW)
    later = message(key="k2", at=AT + timedelta(seconds=1))
    send_notifications(later, found.ports(), NOW + timedelta(seconds=1))
    send_notifications(message(key="k3", org_id="orgb"), found.ports(), NOW)
    return found


def test_the_delivery_log_lists_the_organizations_deliveries_newest_first(fakes):
    log = list_deliveries(caller(), fakes.deliveries)
    assert [(d.subscription_id, d.idempotency_key) for d in log][:2] in (
        [("feed", "k2"), ("hook", "k2")],
        [("hook", "k2"), ("feed", "k2")],
    )
    assert len(log) == 4
    assert {d.status for d in log} == {"delivered"}
    only_hook = list_deliveries(caller(), fakes.deliveries, subscription_id="hook")
    assert [d.rule_name for d in only_hook] == ["Pump overheating"] * 2
    assert list_deliveries(caller(), fakes.deliveries, status="dead") == []
    assert len(list_deliveries(caller(org="orgb"), fakes.deliveries)) == 1


def test_the_feed_is_the_users_own_and_items_are_marked_read_once(fakes):
    feed = list_inbox(caller(), fakes.inbox)
    assert [item.item.idempotency_key for item in feed] == ["k2", "k1"]
    assert list_inbox(caller(subject="u2"), fakes.inbox) == []
    first = mark_read(caller(), feed[0].id, fakes.inbox, NOW + timedelta(hours=1))
    again = mark_read(caller(), feed[0].id, fakes.inbox, NOW + timedelta(hours=2))
    assert first.read_at == again.read_at == NOW + timedelta(hours=1)
    unread = list_inbox(caller(), fakes.inbox, unread_only=True)
    assert [item.item.idempotency_key for item in unread] == ["k1"]


def test_the_feed_page_counts_the_users_unread_items_whatever_it_shows(fakes):
    page = inbox_page(caller(), fakes.inbox, limit=1)
    assert ([i.item.idempotency_key for i in page.items], page.unread) == (["k2"], 2)
    mark_read(caller(), page.items[0].id, fakes.inbox, NOW)
    assert inbox_page(caller(), fakes.inbox, unread_only=True).unread == 1
    assert inbox_page(caller(subject="u2"), fakes.inbox).unread == 0
    assert inbox_page(caller(org="orgb"), fakes.inbox).unread == 0


def test_someone_elses_item_is_not_found(fakes):
    item = list_inbox(caller(), fakes.inbox)[0]
    with pytest.raises(NotFoundError):
        mark_read(caller(subject="u2"), item.id, fakes.inbox, NOW)
    with pytest.raises(NotFoundError):
        mark_read(caller(org="orgb"), item.id, fakes.inbox, NOW)


def test_a_dead_delivery_is_redriven_once_more_and_only_a_dead_one(fakes):
    fakes.webhook.failures = [DeliveryFailedError("HTTP 410", 410, permanent=True)]
    send_notifications(message(key="k9"), fakes.ports(), NOW)
    (dead,) = list_deliveries(caller(), fakes.deliveries, status="dead")
    with pytest.raises(NotFoundError):
        redrive_delivery(caller(org="orgb"), dead.id, fakes.deliveries, NOW)
    (delivered, *_) = list_deliveries(caller(), fakes.deliveries, status="delivered")
    with pytest.raises(ConflictError):
        redrive_delivery(caller(), delivered.id, fakes.deliveries, NOW)
    later = NOW + timedelta(hours=1)
    assert redrive_delivery(caller(), dead.id, fakes.deliveries, later).status == "retrying"
    assert deliver_due(fakes.ports(), later).sent == 1
    (again,) = [d for d in list_deliveries(caller(), fakes.deliveries) if d.id == dead.id]
    assert [a.outcome for a in again.attempts] == ["failed", "delivered"]
