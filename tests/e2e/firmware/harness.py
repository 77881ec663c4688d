"""What the firmware end-to-end tests share: a device type of a fresh firmware family, devices
onboarded through the API, releases published through an upload ticket and the signing function,
simulated devices running the device agent with their own identities, and the rollout driven by
the same service the runner's schedule calls (so no test waits a minute per wave)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
import requests
from paho.mqtt.enums import CallbackAPIVersion

from iotsphere.domain.devices.messages import ProvisioningPackage
from iotsphere.domain.firmware.rollout import Rollout, RolloutState
from iotsphere.services.firmware.ports import RolloutPorts
from iotsphere.services.firmware.rollouts import advance_rollout
from iotsphere.simulator.device_agents import AgentOptions, SimulatedAgent
from tests.e2e.api.client import Organization
from tests.e2e.devices.lifecycle import eventually, ok

SIGNING_WAIT_S = 120.0
WAIT_S = 60.0
START_VERSION = "1.0.0"


def new_family(org: Organization) -> tuple[str, str]:
    """A device type of its own firmware family: ``(family, type id)``."""
    family = f"fw-{uuid.uuid4().hex[:8]}"
    body = {"id": f"{family}-type", "name": f"{family} device", "firmware_family": family}
    ok(org.operator.post("/v1/device-types", json=body), 201)
    return family, body["id"]


def onboard(
    org: Organization, type_id: str, count: int, **fields: Any
) -> list[ProvisioningPackage]:
    packages: list[ProvisioningPackage] = []
    for start in range(0, count, 500):
        devices = [
            {"name": f"{type_id}-{n:04d}", "device_type": type_id, **fields}
            for n in range(start, min(count, start + 500))
        ]
        made = ok(org.operator.post("/v1/devices/batch", json={"devices": devices}), 201)
        packages += [ProvisioningPackage.model_validate(p) for p in made["items"]]
    return packages


def publish_release(org: Organization, family: str, version: str, image: bytes) -> dict[str, Any]:
    """An image PUT through an upload ticket; the release once the runner signed it."""
    body = {"firmware_family": family, "version": version, "file_name": "image.bin"}
    ticket = ok(org.admin.post("/v1/firmware/uploads", json=body), 201)
    put = requests.put(ticket["upload_url"], data=image, timeout=30)
    assert put.status_code == 200, put.text
    deadline = time.monotonic() + SIGNING_WAIT_S
    while time.monotonic() < deadline:
        listed = ok(org.viewer.get("/v1/firmware/releases", params={"firmware_family": family}))
        found = [r for r in listed["items"] if r["version"] == version]
        if found:
            return dict(found[0])
        time.sleep(0.5)
    raise AssertionError(f"{family} {version}: not signed within {SIGNING_WAIT_S:g} s")


def start_rollout(org: Organization, release: dict[str, Any], **body: Any) -> dict[str, Any]:
    request = {"release_id": release["release_id"], **body}
    return dict(ok(org.operator.post("/v1/firmware/rollouts", json=request), 201))


def rollout_devices(
    org: Organization, rollout_id: str, state: str | None = None
) -> list[dict[str, Any]]:
    """Every device of the rollout as the API shows it, page by page."""
    path = f"/v1/firmware/rollouts/{rollout_id}/devices"
    params: dict[str, Any] = {"limit": 100, **({"state": state} if state else {})}
    devices: list[dict[str, Any]] = []
    while True:
        page = ok(org.viewer.get(path, params=params))
        devices += page["items"]
        if not page.get("next_cursor"):
            return devices
        params["cursor"] = page["next_cursor"]


def registry_versions(org: Organization, **search: str) -> dict[str, str | None]:
    """The firmware version the device registry holds for each device the search finds."""
    params: dict[str, Any] = {**search, "limit": 100}
    versions: dict[str, str | None] = {}
    while True:
        page = ok(org.viewer.get("/v1/devices", params=params))
        versions.update((d["id"], d["firmware_version"]) for d in page["items"])
        if not page.get("next_cursor"):
            return versions
        params["cursor"] = page["next_cursor"]


def rollout_of(org: Organization, rollout_id: str) -> dict[str, Any]:
    return dict(ok(org.viewer.get(f"/v1/firmware/rollouts/{rollout_id}")))


def drive(
    ports: RolloutPorts,
    org_id: str,
    rollout_id: str,
    done: Callable[[Rollout], bool],
    what: str,
    timeout_s: float = WAIT_S,
) -> Rollout:
    """Advance the rollout as the schedule does, every few tenths of a second, until ``done``."""
    return eventually(
        lambda: advance_rollout(org_id, rollout_id, ports, datetime.now(tz=UTC)),
        done,
        what,
        timeout_s,
    )


def stopped(rollout: Rollout) -> bool:
    return rollout.state is not RolloutState.RUNNING


@contextmanager
def running_agents(
    packages: Sequence[ProvisioningPackage], family: str, options: AgentOptions
) -> Iterator[list[SimulatedAgent]]:
    """Each device connected as itself, running the simulator's device agent."""
    agents = [SimulatedAgent(package, family, options) for package in packages]
    try:
        for agent in agents:
            agent.start()
        yield agents
    finally:
        for agent in agents:
            agent.stop()


def decommission(org: Organization, packages: Sequence[ProvisioningPackage]) -> None:
    """The broker keeps no identity of a test's devices."""
    for package in packages:
        org.admin.post(f"/v1/devices/{package.device_id}/decommission")


class BrokerClient:
    """One MQTT client under a given identity (the bridge's, in these tests): publishes at QoS 1
    and keeps every delivery of its subscriptions."""

    def __init__(self, port: int, username: str, password: str) -> None:
        self.received: list[mqtt.MQTTMessage] = []
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"fw-e2e-{uuid.uuid4().hex[:10]}",
            protocol=mqtt.MQTTv5,
        )
        self._client.username_pw_set(username, password)
        self._client.on_connect = lambda _c, _u, _f, reason, _p: (
            None if reason.is_failure else self._connected.set()
        )
        self._client.on_message = self._keep
        self._client.connect("127.0.0.1", port)
        self._client.loop_start()
        assert self._connected.wait(WAIT_S), f"{username}: not connected"

    def _keep(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.received.append(message)

    def subscribe(self, topic_filter: str) -> None:
        subscribed = threading.Event()
        self._client.on_subscribe = lambda *_: subscribed.set()
        self._client.subscribe(topic_filter, qos=1)
        assert subscribed.wait(WAIT_S), f"{topic_filter}: not subscribed"

    def publish(self, topic: str, payload: str) -> None:
        info = self._client.publish(topic, payload, qos=1)
        info.wait_for_publish(WAIT_S)
        assert info.is_published(), f"{topic}: the broker did not take the publish"

    def on(self, topic: str) -> list[bytes]:
        """Each distinct payload delivered on ``topic`` once (QoS 1 may deliver twice)."""
        with self._lock:
            return list(dict.fromkeys(bytes(m.payload) for m in self.received if m.topic == topic))

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()
