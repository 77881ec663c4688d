"""Webhook and Slack-compatible channels over HTTP POST (stdlib ``urllib``, no redirects).

Webhooks carry the ``Notification`` as JSON, signed with the subscription's secret
(``X-IoTSphere-Signature: v1=<hex>`` over ``<timestamp>.<body>``); Slack gets its own format.
Errors name the host, never the path or the secret (a Slack URL's path is its credential).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from iotsphere.domain.notifications.channels import ChannelType
from iotsphere.domain.notifications.payloads import Notification, slack_body
from iotsphere.domain.notifications.signing import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
)
from iotsphere.domain.notifications.subscriptions import Subscription
from iotsphere.services.notifications.errors import DeliveryFailedError

DEFAULT_TIMEOUT_S = 5.0
USER_AGENT = "IoTSphere-Notifier/1"
RETRYABLE_STATUSES = frozenset({408, 425, 429})


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is answered as an error: a webhook must name its final URL


def is_permanent(status: int) -> bool:
    """4xx (but 408, 425, 429) and 3xx will not change by trying again; 5xx may."""
    return status < 500 and status not in RETRYABLE_STATUSES


class WebhookSender:
    """The ``Channel`` for ``webhook`` and ``slack`` subscriptions."""

    def __init__(
        self,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._timeout_s = timeout_s
        self._clock = clock
        self._opener = urllib.request.build_opener(_NoRedirects)

    def send(self, subscription: Subscription, notification: Notification) -> int | None:
        channel = subscription.channel
        if channel.type not in (ChannelType.WEBHOOK, ChannelType.SLACK):
            raise DeliveryFailedError(f"not a webhook subscription: {channel.type}", permanent=True)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            DELIVERY_HEADER: notification.id,
        }
        if channel.type == ChannelType.SLACK:
            body = json.dumps(slack_body(notification)).encode()
        else:
            body = notification.model_dump_json().encode()
            if subscription.secret:
                timestamp = int(self._clock())
                headers[TIMESTAMP_HEADER] = str(timestamp)
                headers[SIGNATURE_HEADER] = signature(subscription.secret, timestamp, body)
        return self._post(channel.url, body, headers)

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        host = urlsplit(url).netloc
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (http(s) checked on save)
        try:
            with self._opener.open(request, timeout=self._timeout_s) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            raise DeliveryFailedError(
                f"{host} answered HTTP {exc.code}", exc.code, permanent=is_permanent(exc.code)
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryFailedError(f"{host} unreachable: {reason}") from None
