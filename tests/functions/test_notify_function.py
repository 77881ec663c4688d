"""send_notifications and deliver_due_notifications through the Chalice test client, on fakes."""

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from chalice import Chalice
from chalice.test import Client

from chalicelib import notify
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.notifications.errors import DeliveryFailedError
from tests.sample_events import load_event
from tests.unit.notifications.factories import subscription
from tests.unit.notifications.fakes import NotifyFakes


@pytest.fixture
def client():
    app = Chalice(app_name="notify-test")
    app.register_blueprint(notify.bp)
    with Client(app) as test_client:
        yield test_client


@pytest.fixture
def fakes(monkeypatch):
    found = NotifyFakes()
    found.subscriptions.save(subscription("hook"))
    found.subscriptions.save(
        subscription("mail", channel={"type": "email", "to": "ops@example.com"})
    )
    found.subscriptions.save(subscription("crit", filter={"min_severity": "critical"}))
    monkeypatch.setattr(notify, "notification_ports", found.ports)
    # chalice.test's Lambda context has 3 s in all, less than the reserve: send inline anyway
    monkeypatch.setattr(notify, "RESERVE_MS", 0)
    return found


def sent(channel):
    return [(sub, n.items[0].transition.kind.value) for sub, n in channel.sent]


def test_each_transition_reaches_each_subscription_once_however_often_sqs_redelivers(client, fakes):
    event = load_event("notifications_sqs-transitions.json")
    for _ in range(3):
        response = client.lambda_.invoke("send_notifications", event)
        assert response.payload == {"batchItemFailures": []}
    assert sent(fakes.webhook) == [("hook", "raised"), ("hook", "cleared")]
    assert sent(fakes.email) == [("mail", "raised"), ("mail", "cleared")]
    assert len(fakes.deliveries.saved) == 4


def test_a_body_that_is_no_notification_fails_only_its_record(client, fakes):
    event = load_event("notifications_sqs-transitions.json")
    event["Records"][1]["body"] = '{"hello": 1}'
    response = client.lambda_.invoke("send_notifications", event)
    assert response.payload == {
        "batchItemFailures": [{"itemIdentifier": event["Records"][1]["messageId"]}]
    }
    assert sent(fakes.webhook) == [("hook", "raised")]


def test_when_the_store_is_down_every_record_comes_back(client, fakes):
    def down(org_id, subscriber_id=None, limit=500):
        raise StoreUnavailableError("subscriptions down")

    fakes.subscriptions.list_subscriptions = down
    with pytest.raises(BatchProcessingError, match="All records failed"):
        client.lambda_.invoke(
            "send_notifications", load_event("notifications_sqs-transitions.json")
        )


def test_a_failing_channel_does_not_fail_the_record_the_schedule_retries_it(client, fakes):
    fakes.webhook.failures = [DeliveryFailedError("HTTP 502", 502)]
    event = load_event("notifications_sqs-transitions.json")
    event["Records"] = event["Records"][:1]
    response = client.lambda_.invoke("send_notifications", event)
    assert response.payload == {"batchItemFailures": []}
    (retrying,) = [d for d in fakes.deliveries.saved.values() if d.status == "retrying"]
    fakes.deliveries.saved[retrying.id] = retrying.model_copy(
        update={"next_at": retrying.created_at}
    )
    due = client.lambda_.invoke(
        "deliver_due_notifications", load_event("notifications_schedule-due.json")
    )
    assert due.payload == {
        "matched": 1,
        "sent": 1,
        "held": 0,
        "failed": 0,
        "duplicates": 0,
        "skipped": 0,
    }
    assert sent(fakes.webhook) == [("hook", "raised")]


def test_near_the_lambda_timeout_deliveries_wait_for_the_schedule(client, fakes, monkeypatch):
    monkeypatch.setattr(notify, "RESERVE_MS", 10**9)
    event = load_event("notifications_sqs-transitions.json")
    assert client.lambda_.invoke("send_notifications", event).payload == {"batchItemFailures": []}
    assert fakes.webhook.sent == []
    assert {d.status for d in fakes.deliveries.saved.values()} == {"held"}
    monkeypatch.setattr(notify, "RESERVE_MS", 0)
    due = load_event("notifications_schedule-due.json")
    assert client.lambda_.invoke("deliver_due_notifications", due).payload["sent"] == 4
