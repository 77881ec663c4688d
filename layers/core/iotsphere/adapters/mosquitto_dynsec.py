"""Per-device broker identities through Mosquitto's dynamic-security plugin.

Each device is a dynsec client whose username and fixed client id are its device id, with its own
role ``device-<id>``: Mosquitto 2.0's dynsec matches ACL topics literally (no ``%u``), so the rights
are spelled per device. The role allows exactly what the device protocol needs and nothing under
another id; the broker's default ACL access denies everything else (see ``DEFAULT_ACL_ACCESS``).
Deleting the client disconnects a live session at once.

Commands travel as one JSON document on ``$CONTROL/dynamic-security/v1``; ``ControlChannel`` is
the request/response transport (an MQTT client of the ``registry`` identity, the only one allowed on
that topic), kept apart so the commands are tested without a broker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from iotsphere.domain.devices import topics
from iotsphere.services.errors import StoreUnavailableError

CONTROL_TOPIC = "$CONTROL/dynamic-security/v1"
NOT_FOUND = "not found"

# Set once when the broker is set up: what is not allowed by a role is denied, delivery included.
DEFAULT_ACL_ACCESS = [
    {"acltype": "publishClientSend", "allow": False},
    {"acltype": "publishClientReceive", "allow": False},
    {"acltype": "subscribe", "allow": False},
    {"acltype": "unsubscribe", "allow": True},
]


class ControlChannel(Protocol):
    def request(self, commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send commands in one message; the plugin's response per command, in order. Raises
        ``StoreUnavailableError`` when the broker does not answer."""


def role_name(device_id: str) -> str:
    return f"device-{device_id}"


def device_acls(device_id: str) -> list[dict[str, Any]]:
    """The device's rights: publish what it reports, subscribe to and receive what it is sent."""
    sends = [
        topics.telemetry(device_id),
        topics.status(device_id),
        topics.reported_config(device_id),
        topics.command_result(device_id, "+"),
    ]
    receives = [topics.desired_config(device_id), topics.command(device_id, "+")]
    return [
        *({"acltype": "publishClientSend", "topic": t, "allow": True} for t in sends),
        *({"acltype": "subscribePattern", "topic": t, "allow": True} for t in receives),
        *({"acltype": "publishClientReceive", "topic": t, "allow": True} for t in receives),
    ]


def add_device_commands(device_id: str, password: str) -> list[dict[str, Any]]:
    role = role_name(device_id)
    return [
        {"command": "createRole", "rolename": role, "acls": device_acls(device_id)},
        {
            "command": "createClient",
            "username": device_id,
            "password": password,
            "clientid": device_id,
            "roles": [{"rolename": role, "priority": 1}],
        },
    ]


def remove_device_commands(device_id: str) -> list[dict[str, Any]]:
    return [
        {"command": "deleteClient", "username": device_id},
        {"command": "deleteRole", "rolename": role_name(device_id)},
    ]


def claim_role_commands(claim_user: str, password: str) -> list[dict[str, Any]]:
    """The shared claim identity: publish a claim, read the (sealed) answers, nothing else."""
    acls = [
        {"acltype": "publishClientSend", "topic": topics.CLAIM_REQUESTS, "allow": True},
        {"acltype": "subscribePattern", "topic": topics.claim_response("+"), "allow": True},
        {"acltype": "publishClientReceive", "topic": topics.claim_response("+"), "allow": True},
    ]
    return [
        {"command": "createRole", "rolename": "claim", "acls": acls},
        {
            "command": "createClient",
            "username": claim_user,
            "password": password,
            "roles": [{"rolename": "claim", "priority": 1}],
        },
    ]


def _errors(responses: Sequence[dict[str, Any]], tolerated: str = "") -> list[str]:
    return [
        f"{r.get('command')}: {r['error']}"
        for r in responses
        if r.get("error") and not (tolerated and tolerated in str(r["error"]).lower())
    ]


class DynsecBrokerIdentities:
    """``BrokerIdentities`` over the dynamic-security plugin."""

    def __init__(self, channel: ControlChannel) -> None:
        self._channel = channel

    def add(self, device_id: str, password: str) -> None:
        errors = _errors(self._channel.request(add_device_commands(device_id, password)))
        if errors:
            self._channel.request(remove_device_commands(device_id))  # leave nothing half made
            raise StoreUnavailableError(f"broker refused identity {device_id}: {'; '.join(errors)}")

    def remove(self, device_id: str) -> None:
        responses = self._channel.request(remove_device_commands(device_id))
        errors = _errors(responses, tolerated=NOT_FOUND)
        if errors:
            raise StoreUnavailableError(f"broker kept identity {device_id}: {'; '.join(errors)}")
