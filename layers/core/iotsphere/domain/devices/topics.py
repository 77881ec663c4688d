"""The MQTT topics of one device, and of claim provisioning. The only place they are spelled."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

CLAIM_REQUESTS = "provisioning/claims/+"  # a claiming device publishes to .../<serial>
# What the platform receives from devices, for the bridge to subscribe to (besides telemetry).
INBOUND = ("devices/+/status", "devices/+/config/reported", "devices/+/commands/+/result")
InboundKind = Literal["status", "reported", "command_result", "claim"]
_ID = r"([A-Za-z0-9][A-Za-z0-9_.:-]{0,127})"
_INBOUND_PATTERNS: dict[InboundKind, re.Pattern[str]] = {
    "status": re.compile(rf"devices/{_ID}/status"),
    "reported": re.compile(rf"devices/{_ID}/config/reported"),
    "command_result": re.compile(rf"devices/{_ID}/commands/{_ID}/result"),
    "claim": re.compile(rf"provisioning/claims/{_ID}"),
}


def device_root(device_id: str) -> str:
    return f"devices/{device_id}"


def telemetry(device_id: str) -> str:
    return f"{device_root(device_id)}/telemetry"


def desired_config(device_id: str) -> str:
    return f"{device_root(device_id)}/config/desired"


def reported_config(device_id: str) -> str:
    return f"{device_root(device_id)}/config/reported"


def command(device_id: str, command_id: str) -> str:
    return f"{device_root(device_id)}/commands/{command_id}"


def command_result(device_id: str, command_id: str) -> str:
    return f"{command(device_id, command_id)}/result"


def status(device_id: str) -> str:
    return f"{device_root(device_id)}/status"


def firmware_offer(device_id: str) -> str:
    return f"{device_root(device_id)}/firmware/offer"


def firmware_status(device_id: str) -> str:
    return f"{device_root(device_id)}/firmware/status"


# Everything a device publishes besides telemetry: the bridge forwards these as ``DeviceEvent``s.
DEVICE_EVENTS = (*INBOUND, firmware_status("+"), CLAIM_REQUESTS)


def claim_request(serial: str) -> str:
    return f"provisioning/claims/{serial}"


def claim_response(serial: str) -> str:
    return f"provisioning/claims/{serial}/response"


class DeviceTopics(BaseModel):
    """Every topic a device uses, as handed out in its provisioning package."""

    model_config = ConfigDict(frozen=True)

    telemetry: str
    config_desired: str
    config_reported: str
    commands: str
    command_result: str
    status: str

    @classmethod
    def of(cls, device_id: str) -> DeviceTopics:
        return cls(
            telemetry=telemetry(device_id),
            config_desired=desired_config(device_id),
            config_reported=reported_config(device_id),
            commands=command(device_id, "+"),
            command_result=command_result(device_id, "<command id>"),
            status=status(device_id),
        )


class InboundTopic(BaseModel):
    """What a topic a device published to says: which kind of message, from which device (or
    serial, for a claim), about which command."""

    model_config = ConfigDict(frozen=True)

    kind: InboundKind
    subject: str  # the device id, or the serial of a claim
    command_id: str | None = None


def parse_inbound(topic: str) -> InboundTopic | None:
    """The meaning of an inbound topic, or None for a topic the device services do not handle."""
    for kind, pattern in _INBOUND_PATTERNS.items():
        found = pattern.fullmatch(topic)
        if found:
            command_id = found.group(2) if kind == "command_result" else None
            return InboundTopic(kind=kind, subject=found.group(1), command_id=command_id)
    return None
