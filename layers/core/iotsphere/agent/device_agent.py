"""The device side of the MQTT contract (docs/devices.md), over any ``MqttTransport``.

On every connection: the birth (``online``, retained) under a session id that the last will
(``offline``, retained, registered at connect) shares, the whole configuration reported, then the
subscriptions to the desired configuration, commands and firmware offers. Everything that changes
what the agent must remember is saved before it is published.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aws_lambda_powertools import Logger
from pydantic import BaseModel, ValidationError

from iotsphere.adapters.mosquitto_roles import firmware_offer, firmware_status
from iotsphere.agent import commands, configuration
from iotsphere.agent.commands import CommandHandler
from iotsphere.agent.configuration import ConfigHandler
from iotsphere.agent.firmware import FirmwareSetup, take_offer
from iotsphere.agent.memory import AgentMemory, AgentState, InMemory
from iotsphere.agent.transport import MqttTransport, Outgoing
from iotsphere.domain.devices import topics
from iotsphere.domain.devices.messages import (
    CommandMessage,
    CommandResultMessage,
    DesiredConfigMessage,
    ProvisioningPackage,
    StatusMessage,
)
from iotsphere.domain.firmware.offer import FirmwareOffer

log = Logger(service="agent")


def _accept_all(desired: dict[str, object]) -> dict[str, object]:
    return desired


@dataclass(frozen=True)
class AgentHandlers:
    """What the device does: apply a configuration, run commands by name, update firmware (None:
    offers are ignored), and ask for a fresh offer when a download failed."""

    config: ConfigHandler = _accept_all
    commands: Mapping[str, CommandHandler] = field(default_factory=dict)
    firmware: FirmwareSetup | None = None
    renew_offer: Callable[[FirmwareOffer], None] | None = None


class DeviceAgent:
    def __init__(
        self,
        package: ProvisioningPackage,
        transport: MqttTransport,
        handlers: AgentHandlers,
        firmware_version: str,
        memory: AgentMemory | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.device_id = package.device_id
        self._transport = transport
        self._handlers = handlers
        self._memory = memory or InMemory()
        self._clock = clock
        self._lock = threading.Lock()
        self._state = self._memory.load() or AgentState(firmware_version=firmware_version)
        self.session = uuid.uuid4().hex[:16]
        self._commands_prefix = topics.command(self.device_id, "")

    @property
    def state(self) -> AgentState:
        return self._state

    def start(self) -> None:
        will = self._status("offline", "connection lost")
        self._transport.start(will, self._on_connected, self._on_message)

    def stop(self) -> None:
        """Say ``offline`` (a clean disconnect sends no last will), then disconnect."""
        self._transport.publish(self._status("offline", "shutdown"))
        self._transport.stop()

    def _status(self, state: str, reason: str = "") -> Outgoing:
        message = StatusMessage.model_validate(
            {
                "state": state,
                "session": self.session,
                "firmware_version": self._state.firmware_version,
                "reason": reason,
            }
        )
        return Outgoing(topics.status(self.device_id), message.model_dump_json(), retain=True)

    def _on_connected(self) -> None:
        self._transport.publish(self._status("online"))
        with self._lock:
            reported, state = configuration.report(self._state)
            self._send(state, Outgoing(topics.reported_config(self.device_id), _json(reported)))
        self._transport.subscribe(
            [
                topics.desired_config(self.device_id),
                topics.command(self.device_id, "+"),
                firmware_offer(self.device_id),
            ]
        )

    def _on_message(self, topic: str, payload: bytes) -> None:
        try:
            with self._lock:
                if topic == topics.desired_config(self.device_id):
                    self._desired(DesiredConfigMessage.model_validate_json(payload))
                elif topic.startswith(self._commands_prefix):
                    self._command(topic, CommandMessage.model_validate_json(payload))
                elif topic == firmware_offer(self.device_id):
                    self._offer(FirmwareOffer.model_validate_json(payload))
        except ValidationError as exc:
            log.warning("message refused", extra={"topic": topic, "error": str(exc)[:300]})
        except Exception:  # a handler's or the memory's failure must not stop the MQTT client
            log.exception("message not handled", extra={"topic": topic})

    def _send(self, state: AgentState, *messages: Outgoing) -> None:
        if state != self._state:
            self._memory.save(state)
            self._state = state
        for message in messages:
            self._transport.publish(message)

    def _desired(self, message: DesiredConfigMessage) -> None:
        reported, state = configuration.apply_desired(message, self._state, self._handlers.config)
        if reported is not None:
            self._send(state, Outgoing(topics.reported_config(self.device_id), _json(reported)))

    def _command(self, topic: str, message: CommandMessage) -> None:
        if topic != topics.command(self.device_id, message.command_id):
            log.warning("command on another command's topic", extra={"topic": topic})
            return
        again = commands.answer_again(message, self._state)
        if again is not None:
            self._send(self._state.with_result(again), self._result(again))
            return
        refused = commands.refusal(message, self._handlers.commands, self._clock())
        if refused is not None:
            self._send(self._state.with_result(refused), self._result(refused))
            return
        delivered = commands.delivered(message)
        self._send(self._state.with_result(delivered), self._result(delivered))
        final = commands.run_handler(message, self._handlers.commands[message.name])
        self._send(self._state.with_result(final), self._result(final))

    def _result(self, result: CommandResultMessage) -> Outgoing:
        return Outgoing(topics.command_result(self.device_id, result.command_id), _json(result))

    def _offer(self, offer: FirmwareOffer) -> None:
        if self._handlers.firmware is None:
            log.info("firmware offer ignored: no firmware setup", extra={"offer": offer.release_id})
            return
        result = take_offer(
            offer, self.device_id, self._state, self._handlers.firmware, self._clock
        )
        status = firmware_status(self.device_id)
        self._send(result.state, *(Outgoing(status, _json(r)) for r in result.reports))
        if result.renew is not None and self._handlers.renew_offer is not None:
            self._handlers.renew_offer(result.renew)


def _json(message: BaseModel) -> str:
    return message.model_dump_json()
