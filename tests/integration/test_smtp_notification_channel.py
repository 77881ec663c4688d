"""The e-mail channel against a real SMTP server (aiosmtpd run as its own process)."""

import pytest

from iotsphere.adapters.smtp_channel import SmtpSender
from iotsphere.domain.notifications.payloads import Notification
from iotsphere.domain.notifications.signing import DELIVERY_HEADER
from iotsphere.services.notifications.errors import DeliveryFailedError
from tests.integration.smtp_server import HOST, SmtpServer, free_port
from tests.unit.notifications.factories import delivery, subscription

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    with SmtpServer(tmp_path_factory.mktemp("smtp")) as server:
        yield server


def mail_to(address):
    return subscription("mail", channel={"type": "email", "to": address})


def sender(server):
    return SmtpSender(HOST, server.port, "IoTSphere <alerts@iotsphere.local>", timeout_s=5)


def test_a_notification_arrives_as_a_plain_text_mail(smtp):
    notification = Notification.of([delivery("k-mail-1")])
    assert sender(smtp).send(mail_to("ops@example.com"), notification) == 250
    (mail,) = [m for m in smtp.messages() if m[DELIVERY_HEADER] == notification.id]
    assert mail["To"] == "ops@example.com"
    assert mail["Subject"] == (
        "IoTSphere: [MAJOR] Pump overheating raised on pump-001 (temperature = 82)"
    )
    assert mail["Message-ID"] == f"<{notification.id}@iotsphere>"
    assert "Pump overheating raised on pump-001" in mail.get_content()


def test_a_digest_is_one_mail(smtp):
    notification = Notification.of([delivery("k-digest-1"), delivery("k-digest-2")])
    sender(smtp).send(mail_to("digest@example.com"), notification)
    (mail,) = [m for m in smtp.messages() if m[DELIVERY_HEADER] == notification.id]
    assert mail["Subject"] == "IoTSphere: 2 alarm notifications"


def test_a_refused_mailbox_is_permanent_a_busy_one_is_retried(smtp):
    notification = Notification.of([delivery("k-refused")])
    with pytest.raises(DeliveryFailedError) as refused:
        sender(smtp).send(mail_to("nobody@refused.example.com"), notification)
    assert (refused.value.status_code, refused.value.permanent) == (550, True)
    with pytest.raises(DeliveryFailedError) as busy:
        sender(smtp).send(mail_to("someone@busy.example.com"), notification)
    assert (busy.value.status_code, busy.value.permanent) == (451, False)


def test_no_server_is_a_transient_failure():
    dead = SmtpSender(HOST, free_port(), "alerts@iotsphere.local", timeout_s=2)
    with pytest.raises(DeliveryFailedError) as failure:
        dead.send(mail_to("ops@example.com"), Notification.of([delivery()]))
    assert not failure.value.permanent
