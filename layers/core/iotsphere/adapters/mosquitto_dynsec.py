"""Per-device broker identities through Mosquitto's dynamic-security plugin.

Each device is a dynsec client whose username and fixed client id are its device id (the plugin
refuses a connection with another client id), with its own role ``device-<id>`` holding exactly
the device's topics (``mosquitto_roles.device_acls``). Deleting the client disconnects its live
session at once.

Commands travel as one JSON document on ``$CONTROL/dynamic-security/v1``; ``ControlChannel`` is
the request/response transport (``MqttControlChannel``, as the ``iotsphere-registry`` identity,
the only one allowed on that topic), kept apart so the commands are tested without a broker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from iotsphere.adapters.mosquitto_roles import device_acls
from iotsphere.services.errors import StoreUnavailableError

NOT_FOUND = "not found"
RESERVED_PREFIX = "iotsphere-"  # the platform's own usernames and client ids


class BrokerIdentityError(StoreUnavailableError):
    """The broker refused to add or remove an identity; the message names it and why."""


class ControlChannel(Protocol):
    def request(self, commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send commands in one message; the plugin's response per command, in order. Raises
        ``StoreUnavailableError`` when the broker does not answer."""


def role_name(device_id: str) -> str:
    return f"device-{device_id}"


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


def _undo(command: dict[str, Any]) -> dict[str, Any]:
    if command["command"] == "createRole":
        return {"command": "deleteRole", "rolename": command["rolename"]}
    return {"command": "deleteClient", "username": command["username"]}


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
        if device_id.startswith(RESERVED_PREFIX):
            raise BrokerIdentityError(f"device id {device_id!r}: {RESERVED_PREFIX}* is reserved")
        commands = add_device_commands(device_id, password)
        responses = self._channel.request(commands)
        errors = _errors(responses)
        if errors:
            # leave nothing half made, and never touch what existed before (a taken id)
            made = [c for c, r in zip(commands, responses, strict=True) if not r.get("error")]
            if made:
                self._channel.request([_undo(c) for c in reversed(made)])
            raise BrokerIdentityError(f"broker refused identity {device_id}: {'; '.join(errors)}")

    def remove(self, device_id: str) -> None:
        responses = self._channel.request(remove_device_commands(device_id))
        errors = _errors(responses, tolerated=NOT_FOUND)
        if errors:
            raise BrokerIdentityError(f"broker kept identity {device_id}: {'; '.join(errors)}")
