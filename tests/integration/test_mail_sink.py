"""The local stack's mail sink as the stack starts it: an e-mail sent to the stack's SMTP settings
lands as a file under the stack's home."""

import uuid
from email.parser import BytesParser
from email.policy import default

import pytest

from iotsphere.adapters.smtp_channel import SmtpSender
from iotsphere.domain.notifications.payloads import Notification
from iotsphere.domain.notifications.signing import DELIVERY_HEADER
from iotsphere.local.infra_services import mail_folder
from iotsphere.local.mail_sink import RCPT_HEADER
from tests.e2e.fleet import wait_until
from tests.unit.notifications.factories import delivery, subscription

pytestmark = pytest.mark.integration


def test_an_email_sent_with_the_stack_settings_lands_as_a_file(stack, settings):
    address = f"ops-{uuid.uuid4().hex[:8]}@example.com"
    notification = Notification.of([delivery(f"k-sink-{uuid.uuid4().hex[:8]}")])
    sender = SmtpSender(settings.smtp_host, settings.smtp_port, settings.smtp_sender)
    mail_to = subscription("mail", channel={"type": "email", "to": address})
    assert sender.send(mail_to, notification) == 250
    parser = BytesParser(policy=default)

    def landed():
        return [
            mail
            for path in mail_folder(stack.home).glob("*.eml")
            if (mail := parser.parsebytes(path.read_bytes()))[RCPT_HEADER] == address
        ]

    assert wait_until(lambda: len(landed()) == 1, timeout=10)
    (mail,) = landed()
    assert mail[DELIVERY_HEADER] == notification.id
    assert mail["To"] == address
    assert "raised on pump-001" in mail["Subject"]
