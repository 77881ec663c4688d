"""send_notifications and deliver_due on fakes: once per transition and subscription, held for
quiet hours and digests, retried with backoff, dead-lettered with the reason."""

from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.notifications.deliveries import MAX_ATTEMPTS, DeliveryStatus
from iotsphere.services.notifications.deliver import LEASE, deliver_due, send_notifications
from iotsphere.services.notifications.errors import DeliveryFailedError
from tests.unit.alerting.fakes import FakeDevices
from tests.unit.notifications.factories import ORG, message, subscription
from tests.unit.notifications.fakes import NotifyFakes

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # 13:00 in Berlin


@pytest.fixture
def fakes():
    return NotifyFakes()


def statuses(fakes):
    return sorted((d.subscription_id, d.status.value) for d in fakes.deliveries.saved.values())


def test_every_matching_subscription_gets_one_delivery_however_often_it_is_redelivered(fakes):
    fakes.subscriptions.save(subscription("s1"))
    fakes.subscriptions.save(subscription("s2", channel={"type": "email", "to": "a@example.com"}))
    fakes.subscriptions.save(subscription("s3", filter={"min_severity": "critical"}))
    first = send_notifications(message(), fakes.ports(), NOW)
    assert (first.matched, first.sent, first.duplicates) == (2, 2, 0)
    again = send_notifications(message(), fakes.ports(), NOW + timedelta(minutes=1))
    assert (again.matched, again.sent, again.duplicates) == (2, 0, 2)
    assert [sub for sub, _ in fakes.webhook.sent] == ["s1"]
    assert [sub for sub, _ in fakes.email.sent] == ["s2"]
    assert statuses(fakes) == [("s1", "delivered"), ("s2", "delivered")]


def test_the_delivery_log_keeps_the_attempt_with_channel_and_status_code(fakes):
    fakes.subscriptions.save(subscription())
    send_notifications(message(), fakes.ports(), NOW)
    (delivery,) = fakes.deliveries.saved.values()
    (attempt,) = delivery.attempts
    assert (attempt.at, attempt.channel, attempt.outcome, attempt.status_code) == (
        NOW,
        "webhook",
        "delivered",
        200,
    )
    assert (delivery.claim, delivery.lease_until) == (None, None)


def test_a_new_transition_of_the_same_alarm_is_a_new_delivery(fakes):
    fakes.subscriptions.save(subscription())
    send_notifications(message(key="k1"), fakes.ports(), NOW)
    send_notifications(message(key="k2", kind="cleared", status="cleared"), fakes.ports(), NOW)
    assert len(fakes.webhook.sent) == 2


def test_groups_and_tags_come_from_the_device_directory_of_the_same_organization(fakes):
    fakes.subscriptions.save(subscription(filter={"groups": ["hall-a"]}))
    fakes.devices = FakeDevices(
        DeviceProfile(device_id="pump-001", org_id="orgb", groups=frozenset({"hall-a"}))
    )
    assert send_notifications(message(), fakes.ports(), NOW).matched == 0
    fakes.devices = FakeDevices(
        DeviceProfile(device_id="pump-001", org_id=ORG, groups=frozenset({"hall-a"}))
    )
    assert send_notifications(message(), fakes.ports(), NOW).matched == 1


def test_the_registry_is_asked_only_when_a_subscription_filters_by_group_or_tag(fakes):
    asked = []
    fakes.devices.profiles = lambda ids: asked.append(list(ids)) or {}
    fakes.subscriptions.save(subscription("any"))
    send_notifications(message(key="k1"), fakes.ports(), NOW)
    assert asked == []
    fakes.subscriptions.save(subscription("tagged", filter={"tags": ["cooling"]}))
    send_notifications(message(key="k2"), fakes.ports(), NOW)
    assert asked == [["pump-001"]]


def test_a_failed_attempt_is_retried_by_deliver_due_after_its_backoff(fakes):
    fakes.subscriptions.save(subscription())
    fakes.webhook.failures = [DeliveryFailedError("HTTP 503", status_code=503)]
    counts = send_notifications(message(), fakes.ports(), NOW)
    assert (counts.sent, counts.failed) == (0, 1)
    (delivery,) = fakes.deliveries.saved.values()
    assert (delivery.status, delivery.next_at, delivery.reason) == (
        DeliveryStatus.RETRYING,
        NOW + timedelta(seconds=30),
        "HTTP 503",
    )
    assert deliver_due(fakes.ports(), NOW + timedelta(seconds=29)).matched == 0
    assert deliver_due(fakes.ports(), NOW + timedelta(seconds=30)).sent == 1
    (delivery,) = fakes.deliveries.saved.values()
    assert [a.outcome for a in delivery.attempts] == ["failed", "delivered"]
    assert len(fakes.webhook.sent) == 1


def test_after_the_last_attempt_it_is_dead_with_the_reason(fakes):
    fakes.subscriptions.save(subscription())
    fakes.webhook.failures = [DeliveryFailedError("connection refused")] * MAX_ATTEMPTS
    send_notifications(message(), fakes.ports(), NOW)
    clock = NOW
    for _ in range(MAX_ATTEMPTS - 1):
        clock += timedelta(hours=1)
        deliver_due(fakes.ports(), clock)
    (delivery,) = fakes.deliveries.saved.values()
    assert delivery.status is DeliveryStatus.DEAD
    assert delivery.reason == f"{MAX_ATTEMPTS} attempts failed; last: connection refused"
    assert deliver_due(fakes.ports(), clock + timedelta(days=1)).matched == 0


def test_a_permanent_refusal_is_not_retried(fakes):
    fakes.subscriptions.save(subscription())
    fakes.webhook.failures = [DeliveryFailedError("HTTP 410", status_code=410, permanent=True)]
    send_notifications(message(), fakes.ports(), NOW)
    assert statuses(fakes) == [("s1", "dead")]


def test_quiet_hours_hold_it_until_their_end_then_it_is_sent(fakes):
    quiet = {"start": "12:30", "end": "14:00", "time_zone": "Europe/Berlin"}
    fakes.subscriptions.save(subscription(quiet_hours=quiet))
    counts = send_notifications(message(), fakes.ports(), NOW)
    assert (counts.held, counts.sent) == (1, 0)
    assert deliver_due(fakes.ports(), NOW + timedelta(minutes=59)).matched == 0
    assert deliver_due(fakes.ports(), NOW + timedelta(hours=1)).sent == 1
    assert statuses(fakes) == [("s1", "delivered")]


def test_critical_bypasses_quiet_hours(fakes):
    quiet = {"start": "12:30", "end": "14:00", "time_zone": "Europe/Berlin"}
    fakes.subscriptions.save(subscription(quiet_hours=quiet))
    assert send_notifications(message(severity="critical"), fakes.ports(), NOW).sent == 1


def test_a_digest_sends_everything_of_its_period_as_one_notification(fakes):
    fakes.subscriptions.save(subscription(digest={"every_minutes": 15}))
    for key in ("k1", "k2", "k3"):
        send_notifications(message(key=key), fakes.ports(), NOW + timedelta(minutes=1))
    counts = deliver_due(fakes.ports(), NOW + timedelta(minutes=15))
    assert (counts.matched, counts.sent) == (3, 3)
    ((_, notification),) = fakes.webhook.sent
    assert notification.digest
    assert [item.idempotency_key for item in notification.items] == ["k1", "k2", "k3"]
    assert {a.digest_size for d in fakes.deliveries.saved.values() for a in d.attempts} == {3}


def test_held_deliveries_of_a_deleted_subscription_are_skipped(fakes):
    fakes.subscriptions.save(subscription(digest={"every_minutes": 15}))
    send_notifications(message(), fakes.ports(), NOW)
    fakes.subscriptions.delete(ORG, "s1")
    assert deliver_due(fakes.ports(), NOW + timedelta(minutes=15)).skipped == 1
    assert statuses(fakes) == [("s1", "skipped")]
    assert fakes.webhook.sent == []


def test_a_notifier_that_died_mid_send_is_taken_over_after_its_lease(fakes):
    fakes.subscriptions.save(subscription())

    class Crash(Exception):
        pass

    def crash(subscription, notification):
        raise Crash

    fakes.webhook.send = crash
    with pytest.raises(Crash):
        send_notifications(message(), fakes.ports(), NOW)
    assert send_notifications(message(), fakes.ports(), NOW).duplicates == 1
    del fakes.webhook.send  # the channel works again
    assert deliver_due(fakes.ports(), NOW + LEASE - timedelta(seconds=1)).matched == 0
    assert deliver_due(fakes.ports(), NOW + LEASE).sent == 1
    assert statuses(fakes) == [("s1", "delivered")]


def test_in_app_puts_one_item_per_transition_in_the_users_feed(fakes):
    fakes.subscriptions.save(subscription(channel={"type": "in_app"}))
    send_notifications(message(), fakes.ports(), NOW)
    send_notifications(message(), fakes.ports(), NOW)
    (item,) = fakes.inbox.list_items(ORG, "u1")
    assert (item.user_id, item.item.rule_name, item.read_at) == ("u1", "Pump overheating", None)


def test_out_of_time_a_delivery_is_held_as_due_now_and_the_schedule_sends_it(fakes):
    fakes.subscriptions.save(subscription())
    counts = send_notifications(message(), fakes.ports(), NOW, send_now=lambda: False)
    assert (counts.held, counts.sent) == (1, 0)
    assert fakes.webhook.sent == []
    assert deliver_due(fakes.ports(), NOW).sent == 1


def test_out_of_time_the_schedule_leaves_the_rest_claimed_for_after_its_lease(fakes):
    fakes.subscriptions.save(
        subscription(quiet_hours={"start": "12:30", "end": "14:00", "time_zone": "Europe/Berlin"})
    )
    for key in ("k1", "k2", "k3"):
        send_notifications(message(key=key), fakes.ports(), NOW)
    budget = iter([True, False])
    end = NOW + timedelta(hours=1)
    counts = deliver_due(fakes.ports(), end, send_now=lambda: next(budget))
    assert (counts.matched, counts.sent, counts.held) == (3, 1, 2)
    assert deliver_due(fakes.ports(), end + LEASE - timedelta(seconds=1)).matched == 0
    assert deliver_due(fakes.ports(), end + LEASE).sent == 2
    assert len(fakes.webhook.sent) == 3
