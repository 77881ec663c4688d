"""What the webhook and SMTP adapters decide without a network: which answers are permanent,
what a mail carries, which subscriptions they refuse. The real exchanges are integration tests."""

import pytest

from iotsphere.adapters.smtp_channel import SmtpSender
from iotsphere.adapters.webhook_channel import WebhookSender, is_permanent
from iotsphere.domain.notifications.payloads import Notification
from iotsphere.services.notifications.errors import DeliveryFailedError
from tests.unit.notifications.factories import delivery, subscription


@pytest.mark.parametrize(
    ("status", "permanent"),
    [
        (302, True),
        (400, True),
        (401, True),
        (404, True),
        (410, True),
        (408, False),
        (425, False),
        (429, False),
        (500, False),
        (503, False),
    ],
)
def test_which_http_answers_are_worth_a_retry(status, permanent):
    assert is_permanent(status) is permanent


def test_a_mail_names_the_notification_and_carries_no_secret():
    notification = Notification.of([delivery()])
    mail = SmtpSender("127.0.0.1", 25, "IoTSphere <alerts@iotsphere.local>").message(
        "ops@example.com", notification
    )
    assert mail["From"] == "IoTSphere <alerts@iotsphere.local>"
    assert mail["Message-ID"] == f"<{notification.id}@iotsphere>"
    assert mail["X-IoTSphere-Delivery"] == notification.id
    assert "whsec_" not in mail.as_string()


def test_each_adapter_refuses_a_subscription_of_another_channel_for_good():
    notification = Notification.of([delivery()])
    with pytest.raises(DeliveryFailedError) as webhook:
        WebhookSender().send(subscription(channel={"type": "in_app"}), notification)
    with pytest.raises(DeliveryFailedError) as smtp:
        SmtpSender("127.0.0.1", 25, "a@example.com").send(subscription(), notification)
    assert webhook.value.permanent
    assert smtp.value.permanent
