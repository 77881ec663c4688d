"""Simulated devices that behave like real ones: each runs the device agent with its own
provisioning package (its own broker identity and client id), answers configuration deltas and
commands, takes firmware offers (download through the presigned URL, verify, simulated install,
health check, report), and publishes its telemetry on its own topic over its own connection.

``AgentPublisher`` lets ``run_simulation`` drive these devices' telemetry like the shared-identity
publisher (docs/simulator.md says when to use which).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from iotsphere.agent import AgentHandlers, DeviceAgent, FirmwareSetup, InMemory
from iotsphere.agent.firmware import renewal_over_mqtt
from iotsphere.agent.memory import AgentMemory
from iotsphere.agent.paho_transport import PahoTransport
from iotsphere.agent.transport import MqttTransport, Outgoing
from iotsphere.domain.devices.messages import ProvisioningPackage
from iotsphere.domain.firmware.signatures import TrustedKey
from iotsphere.simulator.errors import SimulatorError
from iotsphere.simulator.firmware_slot import SimulatedSlot, fails_health_check
from iotsphere.simulator.image_download import http_fetch

DEFAULT_VERSION = "1.0.0"
MAX_IMAGE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class AgentOptions:
    """What every simulated device of a run shares: the keys it trusts, how large an image its
    slot takes, its version before any update, and the share failing a health check."""

    trusted: Sequence[TrustedKey]
    firmware_version: str = DEFAULT_VERSION
    max_image_bytes: int = MAX_IMAGE_BYTES
    firmware_failure_rate: float = 0.0
    seed: int = 1
    fetch: Callable[[str], Iterable[bytes]] = http_fetch


def trusted_keys(
    package: ProvisioningPackage, extra: Sequence[TrustedKey] = ()
) -> list[TrustedKey]:
    """The package's firmware key and any given ones (a device trusts a list)."""
    keys = list(extra)
    if package.firmware_public_key:
        keys.append(TrustedKey.from_base64(package.firmware_public_key))
    return list({key.key_id: key for key in keys}.values())


@dataclass
class SimulatedAgent:
    """One device: its package, firmware family, memory, slot, and what its handlers saw."""

    package: ProvisioningPackage
    firmware_family: str
    options: AgentOptions
    memory: AgentMemory = field(default_factory=InMemory)
    applied: list[dict[str, Any]] = field(default_factory=list)
    commands_run: list[str] = field(default_factory=list)
    transport: MqttTransport | None = None
    agent: DeviceAgent | None = None
    slot: SimulatedSlot = field(init=False)

    def __post_init__(self) -> None:
        failing = fails_health_check(
            self.device_id, self.options.firmware_failure_rate, self.options.seed
        )
        self.slot = SimulatedSlot(failing)

    @property
    def device_id(self) -> str:
        return self.package.device_id

    @property
    def firmware_version(self) -> str:
        return self.agent.state.firmware_version if self.agent else self.options.firmware_version

    def _apply(self, desired: dict[str, Any]) -> dict[str, Any]:
        self.applied.append(desired)
        return desired

    def _command(self, name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def run(parameters: dict[str, Any]) -> dict[str, Any]:
            self.commands_run.append(name)
            return {"command": name, "parameters": parameters}

        return run

    def _fetch(self, url: str) -> Iterator[bytes]:
        self.slot.begin()
        yield from self.options.fetch(url)

    def handlers(self, transport: MqttTransport) -> AgentHandlers:
        setup = FirmwareSetup(
            org_id=self.package.org_id,
            firmware_family=self.firmware_family,
            max_image_bytes=self.options.max_image_bytes,
            trusted=trusted_keys(self.package, self.options.trusted),
            fetch=self._fetch,
            slot=self.slot,
        )
        return AgentHandlers(
            config=self._apply,
            commands={name: self._command(name) for name in ("ping", "reboot", "identify")},
            firmware=setup,
            renew_offer=renewal_over_mqtt(transport, self.device_id, lambda: datetime.now(UTC)),
        )

    def start(self, transport: MqttTransport | None = None) -> None:
        """Connect as the package's device (``BrokerConnectionError`` if the broker refuses)."""
        self.transport = transport or PahoTransport.of(self.package)
        self.agent = DeviceAgent(
            self.package,
            self.transport,
            self.handlers(self.transport),
            self.options.firmware_version,
            self.memory,
        )
        self.agent.start()

    def publish(self, topic: str, payload: bytes) -> None:
        if self.transport is None:
            raise SimulatorError(f"{self.device_id} is not started")
        self.transport.publish(Outgoing(topic, payload.decode()))

    def stop(self) -> None:
        if self.agent is not None:
            self.agent.stop()
            self.agent = None


class AgentPublisher:
    """``run_simulation``'s publisher over the devices' own connections: each reading goes out on
    its device's client at QoS 1 (paho resends it until the broker acknowledges it). Acks are not
    counted per message here: ``acked`` counts readings handed to a connected device's client, and
    a reading for a device that has no agent is ``refused``."""

    def __init__(self, agents: Iterable[SimulatedAgent]) -> None:
        self.agents = {agent.device_id: agent for agent in agents}
        self.acked = 0
        self.refused = 0
        self.pending: dict[int, tuple[str, int]] = {}

    def publish(self, topic: str, payload: bytes, tag: tuple[str, int]) -> None:
        agent = self.agents.get(tag[0])
        if agent is None or agent.transport is None:
            self.refused += 1
            return
        agent.publish(topic, payload)
        self.acked += 1

    def serve(self, timeout_s: float) -> None:
        """The devices' clients run their own network threads: only wait."""
        time.sleep(timeout_s)

    def wait_for_acks(self, timeout_s: float) -> bool:
        return True

    def close(self) -> None:
        for agent in self.agents.values():
            agent.stop()
