"""The e-mail channel over SMTP (stdlib ``smtplib``): plain text, one message per notification.

``Message-ID`` derives from the notification id, so a mail system that dedupes by it keeps one
copy of a rare resend. A 5xx answer is permanent; a 4xx or a lost connection is retried.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate

from iotsphere.domain.notifications.channels import ChannelType
from iotsphere.domain.notifications.payloads import Notification, subject, text_body
from iotsphere.domain.notifications.signing import DELIVERY_HEADER
from iotsphere.domain.notifications.subscriptions import Subscription
from iotsphere.services.notifications.errors import DeliveryFailedError

DEFAULT_TIMEOUT_S = 10.0
ACCEPTED = 250
# Headers are not folded below RFC 5322's hard limit: a folded subject reads with a stray space.
POLICY = SMTP.clone(max_line_length=998)


class SmtpSender:
    """The ``Channel`` for ``email`` subscriptions."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout_s = timeout_s

    def message(self, to: str, notification: Notification) -> EmailMessage:
        mail = EmailMessage(policy=POLICY)
        mail["From"] = self._sender
        mail["To"] = to
        mail["Subject"] = subject(notification)
        mail["Date"] = formatdate(usegmt=True)
        mail["Message-ID"] = f"<{notification.id}@iotsphere>"
        mail[DELIVERY_HEADER] = notification.id
        mail.set_content(text_body(notification))
        return mail

    def send(self, subscription: Subscription, notification: Notification) -> int | None:
        channel = subscription.channel
        if channel.type != ChannelType.EMAIL:
            raise DeliveryFailedError(f"not an e-mail subscription: {channel.type}", permanent=True)
        mail = self.message(channel.to, notification)
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout_s) as smtp:
                if self._starttls:
                    smtp.starttls()
                if self._username:
                    smtp.login(self._username, self._password or "")
                refused = smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code, _ = next(iter(exc.recipients.values()))
            raise DeliveryFailedError(
                f"SMTP refused the recipient: {code}", code, permanent=code >= 500
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryFailedError(
                f"SMTP answered {exc.smtp_code}", exc.smtp_code, permanent=exc.smtp_code >= 500
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailedError(f"SMTP server {self._host}:{self._port}: {exc}") from None
        if refused:
            raise DeliveryFailedError("SMTP refused the recipient", permanent=True)
        return ACCEPTED
