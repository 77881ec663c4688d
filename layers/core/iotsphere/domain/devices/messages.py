"""Every device message that crosses MQTT or HTTP, shared by the API and the device agent.

Each carries ``version`` (of its schema, not of any configuration). MQTT payloads are JSON objects
of these models; the topic they travel on is in ``topics``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.devices.commands import DEFAULT_TTL_S, MAX_TTL_S, MIN_TTL_S, CommandState
from iotsphere.domain.devices.config_schema import ANY_OBJECT, ConfigSchema
from iotsphere.domain.devices.device import ConnectionEvent, DeviceStatus
from iotsphere.domain.devices.device_type import MetricSpec
from iotsphere.domain.devices.fields import (
    DeviceId,
    DeviceName,
    Document,
    Labels,
    Metadata,
    OrgId,
    Slug,
)
from iotsphere.domain.devices.targets import DeviceTarget
from iotsphere.domain.devices.topics import DeviceTopics


class Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = 1


# --- device -> platform (MQTT) -------------------------------------------------------------------


class StatusMessage(Message):
    """On ``devices/<id>/status``: the birth (``online``, published retained after connecting) and
    the last will (``offline``, registered at connect with the same ``session``)."""

    state: Literal["online", "offline"]
    session: str = Field(min_length=1, max_length=64)
    firmware_version: str | None = Field(default=None, max_length=64)
    reason: str = Field(default="", max_length=200)


class ReportedConfigMessage(Message):
    """On ``devices/<id>/config/reported``: the device's whole current configuration and its own
    counter of reports, raised on every report."""

    reported_version: int = Field(ge=1)
    state: Document
    applied_desired_version: int | None = Field(default=None, ge=0)


class CommandResultMessage(Message):
    """On ``devices/<id>/commands/<command id>/result``."""

    command_id: str = Field(pattern=r"^[a-z0-9]{8,40}$")
    status: Literal["delivered", "rejected", "succeeded", "failed"]
    result: Document | None = None
    detail: str = Field(default="", max_length=500)


class ClaimRequest(Message):
    """On ``provisioning/claims/<serial>``, published with the claim credential. ``public_key`` is
    the device's X25519 key (base64url, 32 bytes) the answer is sealed to; ``nonce`` is echoed."""

    serial: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
    nonce: str = Field(min_length=16, max_length=128)
    public_key: str = Field(pattern=r"^[A-Za-z0-9_-]{43}$")


class ClaimResponse(Message):
    """On ``provisioning/claims/<serial>/response``: the provisioning package (JSON) sealed to the
    claim's key, or why the claim was refused."""

    serial: str
    nonce: str
    status: Literal["accepted", "refused"]
    sealed_package: str | None = None
    reason: str = ""


class DeviceEvent(Message):
    """A body on the ``device-events`` queue: one message a device published on an inbound topic
    (``topics.INBOUND`` or a claim), forwarded by the bridge with the topic it came on."""

    topic: str = Field(max_length=256)
    received_ms: int = Field(ge=0)
    payload: str = Field(max_length=64 * 1024)
    retained: bool = False  # a retained copy the broker replayed on (re)subscribing


# --- platform -> device (MQTT) -------------------------------------------------------------------


class DesiredConfigMessage(Message):
    """On ``devices/<id>/config/desired``, retained, QoS 1: the whole desired configuration (what
    the agent applies) and the delta to what the device last reported (what will change)."""

    desired_version: int = Field(ge=0)
    state: dict[str, Any]
    delta: dict[str, Any]


class CommandMessage(Message):
    """On ``devices/<id>/commands/<command id>``, QoS 1, not retained."""

    command_id: str
    name: str
    parameters: dict[str, Any]
    expires_at: datetime


class OutboundMessage(Message):
    """A body on the ``device-outbound`` queue: what the bridge, which holds the one lasting broker
    connection, publishes at QoS 1 for a function (a Lambda cannot keep an MQTT session)."""

    topic: str = Field(pattern=r"^(devices|provisioning)/[^#+]{1,250}$")
    payload: str = Field(max_length=128 * 1024)
    retain: bool = False


class BrokerEndpoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    host: str
    port: int = Field(ge=1, le=65535)
    tls: bool = False
    ca_pem: str | None = None


class ProvisioningPackage(Message):
    """Everything a device needs to connect; the password appears here once and nowhere else."""

    device_id: DeviceId
    org_id: OrgId
    broker: BrokerEndpoint
    client_id: str
    username: str
    password: str = Field(repr=False)
    topics: DeviceTopics
    birth: StatusMessage
    last_will: StatusMessage
    firmware_public_key: str | None = None


# --- HTTP request bodies -------------------------------------------------------------------------


class NewDevice(Message):
    name: DeviceName
    device_type: Slug
    tags: Labels = Field(default_factory=list)
    groups: Labels = Field(default_factory=list)
    metadata: Metadata = Field(default_factory=dict)
    serial: str | None = Field(default=None, max_length=128)
    firmware_version: str | None = Field(default=None, max_length=64)


class NewDeviceType(Message):
    id: Slug
    name: str = Field(min_length=1, max_length=100)
    firmware_family: Slug
    config_schema: ConfigSchema = ANY_OBJECT
    default_config: Document = Field(default_factory=dict)
    metrics: list[MetricSpec] = Field(default_factory=list)
    templates: dict[Slug, Document] = Field(default_factory=dict)


class DeviceTypeChanges(Message):
    """A partial update of a device type; an omitted field is left as it is. The firmware family
    is fixed: releases and rollouts are made per family."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    config_schema: ConfigSchema | None = None
    default_config: Document | None = None
    metrics: list[MetricSpec] | None = None
    templates: dict[Slug, Document] | None = None


class NewDevices(Message):
    devices: list[NewDevice] = Field(min_length=1, max_length=500)


class DeviceChanges(Message):
    """A partial update of the registry entry; an omitted field is left as it is."""

    name: DeviceName | None = None
    tags: Labels | None = None
    groups: Labels | None = None
    metadata: Metadata | None = None


class ConfigPatch(Message):
    """A merge patch (RFC 7396) of the desired configuration; ``expected_version`` makes it
    conditional on the desired version the caller last saw."""

    patch: Document
    expected_version: int | None = Field(default=None, ge=0)


class BulkConfigPatch(Message):
    """A patch, or a template of each device's type by name, applied to every device reached."""

    target: DeviceTarget
    patch: Document | None = None
    template: Slug | None = None


class NewCommand(Message):
    name: Slug
    parameters: Document = Field(default_factory=dict)
    ttl_s: int = Field(default=DEFAULT_TTL_S, ge=MIN_TTL_S, le=MAX_TTL_S)
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=128)


class BulkCommand(Message):
    """One command to every device reached; with an idempotency key, a repeated call sends none
    twice (each device's command has a key derived from it and the device id)."""

    target: DeviceTarget
    command: NewCommand


# --- HTTP responses ------------------------------------------------------------------------------


class ShadowView(Message):
    device_id: DeviceId
    desired: dict[str, Any]
    desired_version: int
    reported: dict[str, Any]
    reported_version: int
    delta: dict[str, Any]


class DeviceOutcome(Message):
    """What happened to one device of a bulk configuration change."""

    device_id: DeviceId
    outcome: Literal["applied", "unchanged", "invalid", "conflict", "not_found"]
    desired_version: int | None = None
    detail: str = ""


class CommandOutcome(Message):
    """What happened to one device of a bulk command."""

    device_id: DeviceId
    outcome: Literal["created", "refused", "not_found"]
    command_id: str | None = None
    state: CommandState | None = None
    detail: str = ""


class CommandView(Message):
    id: str
    device_id: DeviceId
    name: str
    parameters: dict[str, Any]
    state: CommandState
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    result: dict[str, Any] | None = None
    detail: str = ""


class DeviceView(Message):
    id: DeviceId
    name: str
    device_type: str
    tags: list[str]
    groups: list[str]
    metadata: dict[str, str]
    serial: str | None
    firmware_version: str | None
    status: DeviceStatus
    status_changed_at: datetime
    created_at: datetime
    first_seen: datetime | None
    last_seen: datetime | None
    connection_history: list[ConnectionEvent]


class DeviceTypeView(NewDeviceType):
    created_at: datetime


class ShadowRevisionView(Message):
    """One accepted change of a side of the configuration (``revision`` is that side's version)."""

    device_id: DeviceId
    side: Literal["desired", "reported"]
    revision: int
    document: dict[str, Any]
    patch: dict[str, Any] | None
    at: datetime
    actor: str


class DevicePage(Message):
    items: list[DeviceView]
    next_cursor: str | None = None


class DeviceCounts(Message):
    """An organization's devices by status; decommissioned ones count in their status and total."""

    provisioned: int
    verified: int
    online: int
    offline: int
    decommissioned: int
    never_seen: int = Field(description="devices not decommissioned that never connected")
    total: int = Field(description="every device, decommissioned ones included")
