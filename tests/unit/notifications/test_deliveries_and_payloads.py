"""Delivery records after each attempt, webhook signatures, and how a notification reads."""

from datetime import timedelta

import pytest

from iotsphere.domain.notifications.deliveries import (
    MAX_ATTEMPTS,
    Attempt,
    DeliveryStatus,
    after_attempt,
    delivery_id,
    retry_delay,
)
from iotsphere.domain.notifications.payloads import Notification, slack_body, subject, text_body
from iotsphere.domain.notifications.signing import new_webhook_secret, signature, verify
from tests.unit.notifications.factories import AT, delivery


def failed(error="HTTP 500", code=500):
    return Attempt(at=AT, channel="webhook", outcome="failed", status_code=code, error=error)


def test_a_delivery_id_is_per_organization_transition_and_subscription():
    assert delivery_id("o", "k1", "s1") == delivery_id("o", "k1", "s1")
    ids = {("o", "k1", "s1"), ("o", "k1", "s2"), ("o", "k2", "s1"), ("p", "k1", "s1")}
    assert len({delivery_id(*parts) for parts in ids}) == 4


def test_success_is_delivered_and_releases_the_claim():
    ok = Attempt(at=AT, channel="webhook", outcome="delivered", status_code=204)
    done = after_attempt(delivery(), ok, AT)
    assert done.status is DeliveryStatus.DELIVERED
    assert (done.claim, done.lease_until, done.next_at) == (None, None, None)
    assert done.attempts == [ok]


def test_failures_back_off_exponentially_then_go_dead_with_the_reason():
    current = delivery()
    waits = []
    for _ in range(MAX_ATTEMPTS - 1):
        current = after_attempt(current, failed(), AT)
        assert current.status is DeliveryStatus.RETRYING
        waits.append(current.next_at - AT)
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480)]
    current = after_attempt(current, failed("timed out", None), AT)
    assert current.status is DeliveryStatus.DEAD
    assert current.reason == f"{MAX_ATTEMPTS} attempts failed; last: timed out"
    assert len(current.attempts) == MAX_ATTEMPTS


def test_a_permanent_refusal_is_dead_at_once():
    dead = after_attempt(delivery(), failed("HTTP 410", 410), AT, permanent=True)
    assert dead.status is DeliveryStatus.DEAD
    assert dead.reason == "refused; last: HTTP 410"


def test_retry_delay_doubles():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]


def test_signature_is_hmac_sha256_over_timestamp_and_body():
    # hmac.new(b"whsec_x", b"1700000000.{}", hashlib.sha256).hexdigest(), computed apart
    expected = "v1=be8cb8325f2202445260a855532f967e30ad2a9394ce28da66ee02880ddcb661"
    value = signature("whsec_x", 1700000000, b"{}")
    assert value == expected
    assert verify("whsec_x", 1700000000, b"{}", value)
    assert not verify("whsec_y", 1700000000, b"{}", value)
    assert not verify("whsec_x", 1700000001, b"{}", value)
    assert not verify("whsec_x", 1700000000, b"{ }", value)


def test_new_secrets_are_prefixed_and_random():
    first, second = new_webhook_secret(), new_webhook_secret()
    assert first.startswith("whsec_")
    assert len(first) > 40
    assert first != second


def test_one_delivery_is_a_single_notification_several_are_a_digest():
    one = Notification.of([delivery()])
    assert (one.id, one.digest) == (delivery().id, False)
    assert (
        subject(one) == "IoTSphere: [MAJOR] Pump overheating raised on pump-001 (temperature = 82)"
    )
    many = Notification.of([delivery("k1"), delivery("k2")])
    assert many.digest
    assert len(many.items) == 2
    assert Notification.of([delivery("k2"), delivery("k1")]).id == many.id
    assert subject(many) == "IoTSphere: 2 alarm notifications"
    assert text_body(many).count("Pump overheating raised on pump-001") == 2


def test_slack_body_has_text_and_one_block_per_transition():
    body = slack_body(Notification.of([delivery("k1"), delivery("k2")]))
    assert body["text"] == "IoTSphere: 2 alarm notifications"
    assert [b["type"] for b in body["blocks"]] == ["section", "section"]
    assert body["blocks"][0]["text"]["text"].startswith("[MAJOR] Pump overheating raised")


@pytest.mark.parametrize("count", [21, 40])
def test_a_long_slack_digest_is_cut_with_a_count(count):
    body = slack_body(Notification.of([delivery(f"k{n}") for n in range(count)]))
    assert len(body["blocks"]) == 21
    assert body["blocks"][-1]["text"]["text"] == f"… and {count - 20} more"
