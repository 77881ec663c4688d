"""Onboarding, all eight steps, through the real parts: an admin creates a device through the API,
its provisioning package (seen once) is all a device agent needs to connect, the birth makes the
device verified and online, a clean stop and a sudden death (last will) make it offline, and the
API shows every connection."""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest

from iotsphere.adapters.file_manifest_signer import FileManifestSigner
from iotsphere.domain.devices.messages import ProvisioningPackage
from iotsphere.domain.devices.topics import DeviceTopics
from iotsphere.domain.firmware.signatures import TrustedKey
from iotsphere.local.secrets import FIRMWARE_KEY_FILE
from iotsphere.local.stack import Stack
from tests.e2e.api.client import Organization
from tests.e2e.devices.conftest import Fleet
from tests.e2e.devices.lifecycle import WAIT_S, device_of, ok, wait_status

pytestmark = pytest.mark.e2e


class AgentProcess:
    """The agent of one device in a child process (``agent_process``)."""

    def __init__(self, package_json: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.devices.agent_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(package_json + "\n")
        self.process.stdin.close()
        self.session = self.process.stdout.readline().strip()
        assert self.session, f"the agent did not connect (exit {self.process.poll()})"

    def end(self, how: signal.Signals) -> None:
        self.process.send_signal(how)
        self.process.wait(WAIT_S)


@pytest.fixture
def processes() -> Iterator[list[AgentProcess]]:
    started: list[AgentProcess] = []
    yield started
    for agent in started:
        if agent.process.poll() is None:
            agent.end(signal.SIGKILL)


def history(org: Organization, device_id: str) -> list[tuple[str, str, str]]:
    events = device_of(org.viewer, device_id)["connection_history"]
    return [(e["kind"], e["session"], e["reason"]) for e in events]


def test_a_device_made_through_the_api_connects_with_its_package_and_comes_online(
    lifecycle: Stack,
    org: Organization,
    device_type: str,
    fleet: Fleet,
    processes: list[AgentProcess],
) -> None:
    body = {"name": f"boiler-{uuid.uuid4().hex[:8]}", "device_type": device_type}
    answer = org.admin.post("/v1/devices", json=body)
    package = ok(answer, 201)
    fleet.adopt(ProvisioningPackage.model_validate(package))  # decommissioned at the end
    device_id = package["device_id"]
    assert package["client_id"] == package["username"] == device_id
    assert package["broker"]["host"] == "127.0.0.1"
    assert package["broker"]["port"] == lifecycle.config.services.mosquitto.port
    assert package["broker"]["tls"] is False
    assert package["broker"]["ca_pem"] is None
    assert package["topics"] == DeviceTopics.of(device_id).model_dump()
    assert len(package["password"]) >= 32
    stored = device_of(org.viewer, device_id)
    assert stored["status"] == "provisioned"
    assert stored["first_seen"] is None
    assert package["password"] not in str(stored)

    first = AgentProcess(answer.text)
    processes.append(first)
    online = wait_status(org.viewer, device_id, "online")
    assert online["first_seen"] is not None
    assert history(org, device_id) == [("online", first.session, "")]

    first.end(signal.SIGTERM)  # stops cleanly: says offline itself
    wait_status(org.viewer, device_id, "offline")
    assert history(org, device_id)[-1] == ("offline", first.session, "shutdown")

    second = AgentProcess(answer.text)
    processes.append(second)
    wait_status(org.viewer, device_id, "online")
    second.end(signal.SIGKILL)  # dies: the broker publishes its last will
    offline = wait_status(org.viewer, device_id, "offline")
    assert history(org, device_id) == [
        ("online", first.session, ""),
        ("offline", first.session, "shutdown"),
        ("online", second.session, ""),
        ("offline", second.session, "connection lost"),
    ]
    assert offline["last_seen"] >= online["first_seen"]


def test_the_package_carries_the_key_that_signs_this_platforms_firmware(
    lifecycle: Stack, org: Organization, device_type: str, fleet: Fleet
) -> None:
    package = fleet.onboard(device_type).package
    signer = FileManifestSigner.from_file(lifecycle.home.root / FIRMWARE_KEY_FILE)
    assert package.firmware_public_key == TrustedKey.of(signer.public_key()).public_key
