"""What each identity may do at the broker, as dynamic-security ACLs.

Mosquitto 2.0's dynamic security matches ACL topics literally (no ``%u``), so a device's rights are
spelled with its id. What no role allows is denied: publishing, subscribing and delivery
(``publishClientReceive``), so a granted-but-filtered subscription still receives nothing.

The firmware topics are spelled here until ``domain/devices/topics.py`` has them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from iotsphere.domain.devices import topics

CONTROL_TOPIC = "$CONTROL/dynamic-security/v1"
CONTROL_RESPONSE_TOPIC = f"{CONTROL_TOPIC}/response"

Acl = dict[str, Any]


def firmware_offer(device_id: str) -> str:
    return f"{topics.device_root(device_id)}/firmware/offer"


def firmware_status(device_id: str) -> str:
    return f"{topics.device_root(device_id)}/firmware/status"


def sends(*topic_filters: str) -> list[Acl]:
    return [{"acltype": "publishClientSend", "topic": t, "allow": True} for t in topic_filters]


def receives(*topic_filters: str, shared: bool = False) -> list[Acl]:
    """Subscribe to, and be delivered, messages on these filters. The plugin checks a shared
    subscription with its ``$share/<group>/`` prefix, delivery by the plain topic."""
    subscriptions = [*topic_filters, *(f"$share/+/{t}" for t in topic_filters if shared)]
    return [
        *({"acltype": "subscribePattern", "topic": t, "allow": True} for t in subscriptions),
        *({"acltype": "publishClientReceive", "topic": t, "allow": True} for t in topic_filters),
    ]


def device_outbound(device_id: str) -> tuple[str, ...]:
    """What a device publishes (to the platform)."""
    return (
        topics.telemetry(device_id),
        topics.status(device_id),
        topics.reported_config(device_id),
        topics.command_result(device_id, "+"),
        firmware_status(device_id),
    )


def device_inbound(device_id: str) -> tuple[str, ...]:
    """What the platform sends a device."""
    return (
        topics.desired_config(device_id),
        topics.command(device_id, "+"),
        firmware_offer(device_id),
    )


def device_acls(device_id: str) -> list[Acl]:
    return [*sends(*device_outbound(device_id)), *receives(*device_inbound(device_id))]


def claim_acls() -> list[Acl]:
    """The shared claim identity: publish a claim, read the (sealed) answers, nothing else."""
    return [*sends(topics.CLAIM_REQUESTS), *receives(topics.claim_response("+"))]


def bridge_acls(telemetry_filter: str = "devices/+/telemetry") -> list[Acl]:
    """Receive what devices and claimers send (in any share group); send what the platform
    sends them."""
    inbound = [telemetry_filter, *topics.INBOUND, firmware_status("+"), topics.CLAIM_REQUESTS]
    outbound = [*device_inbound("+"), topics.claim_response("+")]
    return [*receives(*_unique(inbound), shared=True), *sends(*outbound)]


def registry_acls() -> list[Acl]:
    """The platform's broker administrator: the control topic and its answers, no device topic."""
    return [*sends(CONTROL_TOPIC), *receives(CONTROL_RESPONSE_TOPIC)]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
