"""Path parameters of the Device API routes, checked before any handler runs (a 400 otherwise)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from iotsphere.domain.devices.fields import DEVICE_ID_PATTERN, SLUG_PATTERN
from iotsphere.domain.identity.principal import Principal

COMMAND_ID_PATTERN = r"^[a-z0-9]{8,40}$"
SERIAL_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"  # what a claim may name


class DevicePath(BaseModel):
    device_id: str = Field(pattern=DEVICE_ID_PATTERN)


class DeviceTypePath(BaseModel):
    type_id: str = Field(pattern=SLUG_PATTERN)


class CommandPath(BaseModel):
    command_id: str = Field(pattern=COMMAND_ID_PATTERN)


class SerialPath(BaseModel):
    serial: str = Field(pattern=SERIAL_PATTERN)


def actor(caller: Principal) -> str:
    """Who a configuration revision names: ``user:<id>`` or ``api_key:<id>``."""
    return f"{caller.kind}:{caller.subject_id}"
