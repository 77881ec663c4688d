"""send_notifications and deliver_due on the MongoDB stores with the real channels: a webhook
receiver and an SMTP server each see a transition once however often it is redelivered, and a
failed webhook is retried after its backoff."""

import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pymongo import MongoClient

from iotsphere.adapters.mongo_notifications_deliveries import COLLECTION as DELIVERIES
from iotsphere.adapters.mongo_notifications_inbox import COLLECTION as INBOX
from iotsphere.adapters.mongo_notifications_ports import mongo_notification_ports
from iotsphere.adapters.mongo_notifications_subscriptions import COLLECTION as SUBSCRIPTIONS
from iotsphere.adapters.smtp_channel import SmtpSender
from iotsphere.adapters.webhook_channel import WebhookSender
from iotsphere.domain.notifications.signing import DELIVERY_HEADER
from iotsphere.services.notifications.deliver import deliver_due, send_notifications
from tests.integration.smtp_server import HOST, SmtpServer, free_port
from tests.unit.notifications.factories import message, subscription

pytestmark = pytest.mark.integration


class FlakyReceiver(BaseHTTPRequestHandler):
    """``/flaky/<n>`` answers 503 to its first request and 204 after; others 204."""

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        first = self.path not in self.server.seen_paths
        self.server.seen_paths.add(self.path)
        self.server.deliveries.append((self.path, self.headers[DELIVERY_HEADER]))
        self.send_response(503 if first and self.path.startswith("/flaky/") else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def receiver():
    server = ThreadingHTTPServer((HOST, free_port()), FlakyReceiver)
    server.seen_paths, server.deliveries = set(), []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    with SmtpServer(tmp_path_factory.mktemp("smtp")) as server:
        yield server


@pytest.fixture
def database(settings):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    yield client[settings.mongo_database]
    client.close()


@pytest.fixture
def ports(database, smtp):
    sender = SmtpSender(HOST, smtp.port, "alerts@iotsphere.local", timeout_s=5)
    return mongo_notification_ports(database, smtp=sender, webhooks=WebhookSender(timeout_s=5))


@pytest.fixture
def org(database):
    name = f"flow-{uuid.uuid4().hex[:8]}"
    yield name
    for collection in (DELIVERIES, INBOX, SUBSCRIPTIONS):
        database[collection].delete_many({"org_id": name})


def test_a_redelivered_transition_reaches_each_channel_once(ports, org, receiver, smtp):
    path = f"/hook/{org}"
    hook_url = f"http://{HOST}:{receiver.server_address[1]}{path}"
    ports.subscriptions.save(
        subscription("hook", org_id=org, channel={"type": "webhook", "url": hook_url})
    )
    ports.subscriptions.save(
        subscription("mail", org_id=org, channel={"type": "email", "to": f"{org}@example.com"})
    )
    ports.subscriptions.save(subscription("feed", org_id=org, channel={"type": "in_app"}))
    now = datetime.now(tz=UTC)
    for _ in range(3):
        send_notifications(message(org_id=org, at=now), ports, now)
    assert [p for p, _ in receiver.deliveries if p == path] == [path]
    assert len([m for m in smtp.messages() if m["To"] == f"{org}@example.com"]) == 1
    assert len(ports.inbox.list_items(org, "u1")) == 1
    log = ports.deliveries.list_deliveries(org)
    assert sorted((d.subscription_id, d.status.value, len(d.attempts)) for d in log) == [
        ("feed", "delivered", 1),
        ("hook", "delivered", 1),
        ("mail", "delivered", 1),
    ]


def test_a_failed_webhook_is_retried_after_its_backoff(ports, org, receiver):
    path = f"/flaky/{org}"
    hook_url = f"http://{HOST}:{receiver.server_address[1]}{path}"
    ports.subscriptions.save(
        subscription("hook", org_id=org, channel={"type": "webhook", "url": hook_url})
    )
    now = datetime.now(tz=UTC)
    assert send_notifications(message(org_id=org, at=now), ports, now).failed == 1
    (waiting,) = ports.deliveries.list_deliveries(org)
    assert (waiting.status.value, waiting.attempts[0].status_code) == ("retrying", 503)
    deliver_due(ports, now + timedelta(seconds=31))
    (done,) = ports.deliveries.list_deliveries(org)
    assert [(a.outcome, a.status_code) for a in done.attempts] == [
        ("failed", 503),
        ("delivered", 204),
    ]
    ids = [d for p, d in receiver.deliveries if p == path]
    assert len(ids) == 2
    assert len(set(ids)) == 1  # the same delivery id on the retry, for receivers that dedupe
