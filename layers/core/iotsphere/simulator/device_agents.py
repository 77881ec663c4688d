"""Simulated devices that behave like real ones: each runs the device agent with its own
provisioning package (its own broker identity and client id), answers configuration deltas and
commands, takes firmware offers (download through the presigned URL, verify, simulated install,
health check, report), and publishes its telemetry on its own topic over its own connection.

``AgentPublisher`` lets ``run_simulation`` drive these devices' telemetry like the shared-identity
publisher (docs/simulator.md says when to use which).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger

from iotsphere.agent import AgentError, AgentHandlers, DeviceAgent, FirmwareSetup, InMemory
from iotsphere.agent.firmware import renewal_over_mqtt
from iotsphere.agent.memory import AgentMemory
from iotsphere.agent.paho_transport import PahoTransport
from iotsphere.agent.transport import MqttTransport, Outgoing
from iotsphere.domain.devices import topics
from iotsphere.domain.devices.messages import ProvisioningPackage
from iotsphere.domain.firmware.signatures import TrustedKey
from iotsphere.simulator.errors import SimulatorError
from iotsphere.simulator.firmware_slot import SimulatedSlot, fails_health_check
from iotsphere.simulator.image_download import http_fetch

log = Logger(service="simulator", child=True)

DEFAULT_VERSION = "1.0.0"
BOOT_ATTEMPTS = 5
MAX_IMAGE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class AgentOptions:
    """What every simulated device of a run shares: the keys it trusts, how large an image its
    slot takes, its version before any update, the share failing a health check, and whether
    it reboots (reconnects, a new birth with the new version) once an update is healthy."""

    trusted: Sequence[TrustedKey]
    firmware_version: str = DEFAULT_VERSION
    max_image_bytes: int = MAX_IMAGE_BYTES
    firmware_failure_rate: float = 0.0
    seed: int = 1
    fetch: Callable[[str], Iterable[bytes]] = http_fetch
    reboot_after_update: bool = False


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
    reboots: int = 0
    rebooted: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._power = threading.RLock()  # start, reboot and stop one at a time
        self._connection: Callable[[], MqttTransport] = self._new_connection
        failing = fails_health_check(
            self.device_id, self.options.firmware_failure_rate, self.options.seed
        )
        self.slot = SimulatedSlot(failing)

    @property
    def device_id(self) -> str:
        return self.package.device_id

    @property
    def firmware_version(self) -> str:
        """What it runs: the committed version its agent remembers (also across a reboot)."""
        state = self.memory.load()
        return state.firmware_version if state else self.options.firmware_version

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
        self._connection = (lambda: transport) if transport else self._new_connection
        with self._power:
            self._boot()

    def _new_connection(self) -> MqttTransport:
        return PahoTransport.of(self.package)

    def _boot(self) -> None:
        connection = self._connection()
        if self.options.reboot_after_update:
            status = topics.firmware_status(self.device_id)
            connection = RebootsWhenHealthy(connection, status, self._reboot_soon)
        self.transport = connection
        self.agent = DeviceAgent(
            self.package,
            connection,
            self.handlers(connection),
            self.options.firmware_version,
            self.memory,
        )
        self.agent.start()

    def _reboot_soon(self) -> None:
        threading.Thread(target=self.reboot, name=f"reboot-{self.device_id}", daemon=True).start()

    def reboot(self) -> None:
        """Into whatever firmware the agent runs now: a clean goodbye, then a new connection
        whose birth carries the running version (so the registry learns it)."""
        with self._power:
            if self.agent is None:
                return  # stopped meanwhile
            self.agent.stop()
            for attempt in range(1, BOOT_ATTEMPTS + 1):
                try:
                    self._boot()
                    break
                except AgentError as exc:  # a busy broker: try again, as a device would
                    log.warning(
                        "reboot: no connection", extra={"attempt": attempt, "error": str(exc)}
                    )
                    self.agent = None
                    time.sleep(attempt)
        self.reboots += 1
        self.rebooted.set()

    def publish(self, topic: str, payload: bytes) -> None:
        if self.transport is None:
            raise SimulatorError(f"{self.device_id} is not started")
        self.transport.publish(Outgoing(topic, payload.decode()))

    def stop(self) -> None:
        with self._power:
            if self.agent is not None:
                self.agent.stop()
                self.agent = None


class RebootsWhenHealthy:
    """A device's connection that notices the device reporting new firmware healthy (it is
    committed by then, and the report handed to the client) and then has it reboot into it,
    as a real device does after an update."""

    def __init__(self, inner: MqttTransport, status_topic: str, reboot: Callable[[], None]) -> None:
        self._inner = inner
        self._status_topic = status_topic
        self._reboot = reboot

    def start(
        self,
        will: Outgoing | None,
        on_connected: Callable[[], None],
        on_message: Callable[[str, bytes], None],
    ) -> None:
        self._inner.start(will, on_connected, on_message)

    def subscribe(self, topic_filters: Sequence[str]) -> None:
        self._inner.subscribe(topic_filters)

    def publish(self, message: Outgoing) -> None:
        self._inner.publish(message)
        if message.topic == self._status_topic and _state(message.payload) == "healthy":
            self._reboot()

    def stop(self) -> None:
        self._inner.stop()


def _state(payload: str) -> object:
    try:
        body = json.loads(payload)
    except ValueError:
        return None
    return body.get("state") if isinstance(body, dict) else None


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
