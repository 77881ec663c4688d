"""The device agent on the real broker, with its own identity: birth, configuration round trip,
a command, a command queued while it was away, its last will when the network fails, and its
return; a factory device claiming its identity with the shared claim credential.

Revoking an identity sends no last will: the dynamic-security plugin kicks the client without it
(the platform that revoked it knows already)."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iotsphere.adapters.mosquitto_control import BrokerLogin, MqttControlChannel
from iotsphere.adapters.mosquitto_dynsec import DynsecBrokerIdentities
from iotsphere.agent import AgentHandlers, DeviceAgent, claim_identity
from iotsphere.agent.paho_transport import PahoTransport
from iotsphere.domain.devices import topics
from iotsphere.domain.devices.claim_sealing import seal
from iotsphere.domain.devices.messages import BrokerEndpoint, ClaimRequest, ClaimResponse
from iotsphere.local.secrets import BRIDGE_USER, CLAIM_USER, REGISTRY_USER, mqtt_credentials
from tests.integration.test_mosquitto_dynsec import Probe, new_device_id
from tests.unit.agent.fakes import package

pytestmark = pytest.mark.integration


class Platform:
    """The bridge's identity: watches what the device sends, sends it what the platform sends."""

    def __init__(self, port: int, home: Any, device_id: str) -> None:
        self.device_id = device_id
        self.probe = Probe(port, *mqtt_credentials(home, BRIDGE_USER))
        assert self.probe.connected()
        for inbound in (
            topics.status("+"),
            topics.reported_config("+"),
            topics.command_result("+", "+"),
        ):
            assert self.probe.subscribe(inbound)

    def documents(self, topic: str) -> list[dict[str, Any]]:
        return [json.loads(p) for t, p in list(self.probe.received) if t == topic and p]

    def wait(self, topic: str, after: int = 0, **fields: Any) -> dict[str, Any]:
        """The first document on ``topic`` with ``fields``, skipping the first ``after``."""

        def found() -> dict[str, Any] | None:
            for document in self.documents(topic)[after:]:
                if all(document.get(k) == v for k, v in fields.items()):
                    return document
            return None

        assert self.probe.wait_until(lambda: found() is not None), (topic, fields)
        document = found()
        assert document is not None
        return document

    def command(self, command_id: str, name: str = "ping") -> None:
        message = {
            "version": 1, "command_id": command_id, "name": name, "parameters": {"n": 1},
            "expires_at": (datetime.now(UTC) + timedelta(minutes=5)).isoformat(),
        }  # fmt: skip
        self.probe.publish(topics.command(self.device_id, command_id), json.dumps(message).encode())


@pytest.fixture
def device(stack: Any) -> Iterator[tuple[str, str, int, Any]]:
    port = int(stack.config.services.mosquitto.port)
    channel = MqttControlChannel(
        BrokerLogin("127.0.0.1", port, *mqtt_credentials(stack.home.root, REGISTRY_USER))
    )
    identities = DynsecBrokerIdentities(channel)
    device_id, password = new_device_id(), uuid.uuid4().hex
    identities.add(device_id, password)
    yield device_id, password, port, stack.home.root
    identities.remove(device_id)
    channel.close()


def test_the_agent_speaks_the_device_contract_through_the_real_broker(device):
    device_id, password, port, home = device
    platform = Platform(port, home, device_id)
    handlers = AgentHandlers(commands={"ping": lambda p: {"pong": p["n"]}})
    agent = DeviceAgent(
        package(device_id, port, password),
        PahoTransport.of(package(device_id, port, password)),
        handlers,
        "1.0.0",
    )
    try:
        agent.start()
        platform.wait(topics.status(device_id), state="online", session=agent.session)
        desired = {"version": 1, "desired_version": 4, "state": {"rate": 2}, "delta": {"rate": 2}}
        platform.probe.publish(
            topics.desired_config(device_id), json.dumps(desired).encode(), retain=True
        )
        report = platform.wait(topics.reported_config(device_id), applied_desired_version=4)
        assert report["state"] == {"rate": 2}
        platform.command("cmd00000001")
        result = platform.wait(topics.command_result(device_id, "cmd00000001"), status="succeeded")
        assert result["result"] == {"pong": 1}

        agent.stop()
        platform.wait(topics.status(device_id), state="offline", reason="shutdown")
        platform.command("cmd00000002")  # queued by the broker for the persistent session
        transport = PahoTransport.of(package(device_id, port, password))
        agent = DeviceAgent(package(device_id, port, password), transport, handlers, "1.0.0")
        agent.start()
        platform.wait(topics.command_result(device_id, "cmd00000002"), status="succeeded")

        transport._client.socket().shutdown(socket.SHUT_RDWR)  # the network fails
        platform.wait(
            topics.status(device_id),
            state="offline",
            session=agent.session,
            reason="connection lost",
        )
        seen = len(platform.documents(topics.status(device_id)))
        platform.wait(topics.status(device_id), after=seen, state="online", session=agent.session)
    finally:
        agent.stop()
        platform.probe.publish(topics.desired_config(device_id), b"", retain=True)
        platform.probe.publish(topics.status(device_id), b"", retain=True)
        platform.probe.close()


def test_a_factory_device_claims_its_identity_with_the_claim_credential(stack: Any):
    port = int(stack.config.services.mosquitto.port)
    home = stack.home.root
    serial = f"SN-{uuid.uuid4().hex[:8]}"
    platform = Probe(port, *mqtt_credentials(home, BRIDGE_USER))
    assert platform.connected()
    assert platform.subscribe(topics.claim_request(serial))

    def answer(_topic: str, payload: bytes) -> None:  # the platform's side, sealed to the device
        request = ClaimRequest.model_validate_json(payload)
        sealed = seal(package("dclaimed01").model_dump_json().encode(), request.public_key)
        response = ClaimResponse(
            serial=serial, nonce=request.nonce, status="accepted", sealed_package=sealed
        )
        platform.client.publish(topics.claim_response(serial), response.model_dump_json(), qos=1)

    platform.client.on_message = lambda _c, _u, m: answer(m.topic, bytes(m.payload))
    claim_user, claim_password = mqtt_credentials(home, CLAIM_USER)
    endpoint = BrokerEndpoint(host="127.0.0.1", port=port)
    try:
        claimed = claim_identity(
            serial, PahoTransport(endpoint, CLAIM_USER, claim_user, claim_password)
        )
        assert claimed.device_id == "dclaimed01"
    finally:
        platform.close()
