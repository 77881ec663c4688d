"""The webhook and Slack channels against a real local HTTP receiver."""

import json
import threading
import time
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from iotsphere.adapters.webhook_channel import WebhookSender
from iotsphere.domain.notifications.payloads import Notification
from iotsphere.domain.notifications.signing import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify,
)
from iotsphere.services.notifications.errors import DeliveryFailedError
from tests.integration.smtp_server import HOST, free_port
from tests.unit.notifications.factories import delivery, subscription

pytestmark = pytest.mark.integration

ANSWERS = {"/ok": 204, "/gone": 410, "/busy": 503, "/throttled": 429, "/moved": 302}
SLOW_S = 3.0


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str, Message, bytes]]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, self.headers, body))  # case-insensitive
        if self.path == "/slow":
            time.sleep(SLOW_S)
        self.send_response(ANSWERS.get(self.path, 200))
        if self.path == "/moved":
            self.send_header("Location", "http://169.254.169.254/latest")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def receiver():
    server = ThreadingHTTPServer((HOST, free_port()), Receiver)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url(server, path):
    return f"http://{HOST}:{server.server_address[1]}{path}"


def hook(server, path, kind="webhook"):
    return subscription("hook", channel={"type": kind, "url": url(server, path)})


def last(server, path):
    return [r for r in server.received if r[0] == path][-1]


def test_a_webhook_is_signed_json_a_receiver_can_verify(receiver):
    notification = Notification.of([delivery("k-hook")])
    sent_at = int(time.time())
    assert WebhookSender().send(hook(receiver, "/ok"), notification) == 204
    _, headers, body = last(receiver, "/ok")
    assert headers["Content-Type"] == "application/json"
    assert headers[DELIVERY_HEADER] == notification.id
    timestamp = int(headers[TIMESTAMP_HEADER])
    assert sent_at <= timestamp <= sent_at + 5
    assert verify("whsec_test", timestamp, body, headers[SIGNATURE_HEADER])
    assert not verify("whsec_other", timestamp, body, headers[SIGNATURE_HEADER])
    assert Notification.model_validate_json(body) == notification


def test_slack_gets_its_own_format_unsigned(receiver):
    notification = Notification.of([delivery("k-slack")])
    WebhookSender().send(hook(receiver, "/slack", "slack"), notification)
    _, headers, body = last(receiver, "/slack")
    assert SIGNATURE_HEADER not in headers
    payload = json.loads(body)
    assert payload["text"].startswith("IoTSphere: [MAJOR] Pump overheating raised")
    assert payload["blocks"][0]["type"] == "section"


@pytest.mark.parametrize(
    ("path", "status", "permanent"),
    [
        ("/gone", 410, True),
        ("/moved", 302, True),
        ("/busy", 503, False),
        ("/throttled", 429, False),
    ],
)
def test_answers_are_permanent_or_worth_a_retry(receiver, path, status, permanent):
    with pytest.raises(DeliveryFailedError) as failure:
        WebhookSender().send(hook(receiver, path), Notification.of([delivery()]))
    assert (failure.value.status_code, failure.value.permanent) == (status, permanent)
    assert "whsec_" not in failure.value.reason


def test_a_redirect_is_not_followed(receiver):
    before = len(receiver.received)
    with pytest.raises(DeliveryFailedError):
        WebhookSender().send(hook(receiver, "/moved"), Notification.of([delivery()]))
    assert len(receiver.received) == before + 1


def test_a_slow_or_absent_receiver_is_a_transient_failure_naming_only_the_host(receiver):
    with pytest.raises(DeliveryFailedError) as slow:
        WebhookSender(timeout_s=0.5).send(hook(receiver, "/slow"), Notification.of([delivery()]))
    assert not slow.value.permanent
    nobody = subscription(
        channel={"type": "slack", "url": f"http://{HOST}:{free_port()}/T0/B0/tok"}
    )
    with pytest.raises(DeliveryFailedError) as absent:
        WebhookSender().send(nobody, Notification.of([delivery()]))
    assert not absent.value.permanent
    assert "tok" not in absent.value.reason
    assert absent.value.reason.startswith(f"{HOST}:")
