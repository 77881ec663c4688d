"""Devices for browser flows: onboarded through the API, then online as a ``DeviceAgent`` on the
real broker with the package's own credentials, publishing telemetry and answering configuration
and commands."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from iotsphere.agent import AgentHandlers, DeviceAgent
from iotsphere.agent.paho_transport import PahoTransport
from iotsphere.agent.transport import Outgoing
from iotsphere.domain.devices import topics
from iotsphere.domain.devices.messages import ProvisioningPackage
from tests.e2e.api.client import ApiClient
from tests.e2e.fleet import wait_until

METRICS = [
    {"name": "temperature", "unit": "degC", "minimum": -40, "maximum": 120},
    {"name": "humidity", "unit": "%", "minimum": 0, "maximum": 100},
]


def new_device_type(client: ApiClient) -> str:
    """A device type with a small configuration schema and the two metrics above."""
    type_id = f"web-{uuid.uuid4().hex[:8]}"
    body = {
        "id": type_id,
        "name": "Web test sensor",
        "firmware_family": "web-fw",
        "config_schema": {
            "type": "object",
            "properties": {"interval_s": {"type": "integer", "minimum": 1, "maximum": 3600}},
        },
        "default_config": {"interval_s": 60},
        "metrics": METRICS,
    }
    answer = client.post("/v1/device-types", json=body)
    assert answer.status_code == 201, answer.text
    return type_id


@dataclass(frozen=True)
class Onboarded:
    name: str
    device_type: str
    package: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.package["device_id"])


def onboard(client: ApiClient, device_type: str, prefix: str = "web") -> Onboarded:
    """A device created through the API (the package, with its password, is answered once)."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    answer = client.post("/v1/devices", json={"name": name, "device_type": device_type})
    assert answer.status_code == 201, answer.text
    return Onboarded(name, device_type, answer.json())


class OnlineDevice:
    """The device running its agent (``with OnlineDevice(onboarded) as device:``).
    Commands: ``ping`` answers ``{"pong": <n>}``; configuration: every desired state is applied."""

    def __init__(self, onboarded: Onboarded, handlers: AgentHandlers | None = None) -> None:
        self.package = ProvisioningPackage.model_validate(onboarded.package)
        self.id = self.package.device_id
        self.transport = PahoTransport.of(self.package)
        ping = {"ping": lambda parameters: {"pong": parameters.get("n", 0)}}
        self.agent = DeviceAgent(
            self.package, self.transport, handlers or AgentHandlers(commands=ping), "1.0.0"
        )
        self._seq = 0

    def __enter__(self) -> OnlineDevice:
        self.agent.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.agent.stop()

    def publish(self, at: datetime | None = None, **metrics: float | bool | str) -> datetime:
        """One reading stamped ``at`` (default now), with the device's own credentials; returns
        its timestamp (milliseconds, as stored)."""
        at = at or datetime.now(tz=UTC)
        ts = at.replace(microsecond=at.microsecond // 1000 * 1000)
        self._seq += 1
        reading = {
            "ts": ts.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "seq": self._seq,
            "metrics": metrics,
        }
        self.transport.publish(Outgoing(topics.telemetry(self.id), json.dumps(reading)))
        return ts


def wait_for_status(client: ApiClient, device_id: str, status: str, timeout: float = 30) -> None:
    """Until the registry says the device has ``status`` (the bridge saw its birth or will)."""

    def reached() -> bool:
        answer = client.get(f"/v1/devices/{device_id}")
        return answer.status_code == 200 and answer.json()["status"] == status

    assert wait_until(reached, timeout), f"{device_id} never became {status}"
