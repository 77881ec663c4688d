"""Where a subscription's notifications go: one channel per subscription."""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from iotsphere.domain.identity.fields import Email

MAX_URL_CHARS = 2000
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata"})


class ChannelType(StrEnum):
    WEBHOOK = "webhook"
    SLACK = "slack"
    EMAIL = "email"
    IN_APP = "in_app"


def check_url(value: str) -> str:
    """An absolute http(s) URL without credentials in it (they would show in every view) and not
    aimed at a link-local, multicast or unspecified address (cloud metadata lives there).
    Loopback and private addresses stay allowed: receivers on the same host or network are
    normal on premises."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http:// or https:// URL")
    if parts.username or parts.password:
        raise ValueError("must not carry a user name or password")
    if parts.hostname.lower() in METADATA_HOSTS or _forbidden_address(parts.hostname):
        raise ValueError("must not point at a link-local, multicast or unspecified address")
    return value


def _forbidden_address(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name; what it resolves to is not checked (see docs/notifications.md)
    return address.is_link_local or address.is_multicast or address.is_unspecified


WebhookUrl = Annotated[
    str, StringConstraints(min_length=8, max_length=MAX_URL_CHARS), AfterValidator(check_url)
]


def masked_url(url: str) -> str:
    """Scheme and host only: a Slack webhook's path is its credential."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…"


class _Channel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WebhookChannel(_Channel):
    """JSON, signed with HMAC-SHA256 under the subscription's secret."""

    type: Literal[ChannelType.WEBHOOK] = ChannelType.WEBHOOK
    url: WebhookUrl


class SlackChannel(_Channel):
    """A Slack-compatible incoming webhook (``{"text": …, "blocks": […]}``)."""

    type: Literal[ChannelType.SLACK] = ChannelType.SLACK
    url: WebhookUrl


class EmailChannel(_Channel):
    type: Literal[ChannelType.EMAIL] = ChannelType.EMAIL
    to: Email


class InAppChannel(_Channel):
    """The subscribing user's feed in the web app."""

    type: Literal[ChannelType.IN_APP] = ChannelType.IN_APP


ChannelConfig = Annotated[
    WebhookChannel | SlackChannel | EmailChannel | InAppChannel, Field(discriminator="type")
]
