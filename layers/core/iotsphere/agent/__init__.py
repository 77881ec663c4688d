"""The device agent: the device side of the MQTT contract (connect with a provisioning package,
birth and last will, desired configuration, commands, firmware offers), and claiming an identity
with the shared claim credential (``claim``).

``device_agent`` drives it over an ``MqttTransport``; ``paho_transport`` is the only module that
knows paho. ``commands``, ``configuration`` and ``firmware`` decide without I/O.
"""

from iotsphere.agent.claim import ClaimError, claim_identity
from iotsphere.agent.device_agent import AgentHandlers, DeviceAgent
from iotsphere.agent.errors import (
    AgentError,
    AgentMemoryError,
    BrokerConnectionError,
    CommandRejectedError,
    ConfigRejectedError,
)
from iotsphere.agent.firmware import FirmwareSetup
from iotsphere.agent.memory import AgentState, InMemory, JsonFileMemory

__all__ = [
    "AgentError",
    "AgentHandlers",
    "AgentMemoryError",
    "AgentState",
    "BrokerConnectionError",
    "ClaimError",
    "CommandRejectedError",
    "ConfigRejectedError",
    "DeviceAgent",
    "FirmwareSetup",
    "InMemory",
    "JsonFileMemory",
    "claim_identity",
]
