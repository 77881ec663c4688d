"""The MQTT topics of one device, and of claim provisioning. The only place they are spelled."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

CLAIM_REQUESTS = "provisioning/claims/+"  # a claiming device publishes to .../<serial>


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
