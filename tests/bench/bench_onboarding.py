"""Onboarding measured end to end: N devices created through the API, each connecting with its own
provisioning package (the real agent over paho), until the API shows it online.

    flock -w 2400 /tmp/iotsphere-stack.lock \
        .venv/bin/python -m tests.bench.bench_onboarding --devices 200
    ... --devices 20 --concurrency 2        # a quick look

(from the project root with ``PYTHONPATH=.``). It starts its own stack (tests/stack.yml, home
.iotsphere/bench; the test stack's ports, hence the lock) with the runner, the bridge and the API,
and an organization of its own. For each device, from ``POST /v1/devices`` to ``status: online``:
the package arrives, the agent connects and says its birth, the bridge forwards it to
``device-events``, the runner's handler marks the device online. A poller sees each device online
by searching the API every 100 ms, so each time carries up to that much. Beside it,
``create_to_birth_at_bridge_ms`` (the device's ``status_changed_at - created_at``: the birth's
arrival at the bridge) splits the time into the device's part and the queue-and-handler part. One
unmeasured device first warms the runner's workers. The devices are decommissioned at the end
(their broker identities removed). Results: JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import requests

from iotsphere.agent import AgentHandlers, DeviceAgent
from iotsphere.agent.paho_transport import PahoTransport
from iotsphere.bootstrap import build_identity_ports, connect_mongo
from iotsphere.domain.devices.messages import ProvisioningPackage
from iotsphere.domain.identity.requests import NewOrganization
from iotsphere.local.stack import Stack
from iotsphere.services.identity.organizations import create_organization
from iotsphere.services.identity.throttling import address_key
from tests.bench.bench_api_reads import percentile
from tests.bench.bench_stack import bench_stack
from tests.bench.bench_telemetry import machine

POLL_S = 0.1
ONLINE_WITHIN_S = 120.0


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(samples, 0.5), 1),
        "p99": round(percentile(samples, 0.99), 1),
        "max": round(max(samples), 1),
    }


class Api:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, expected: int, **kwargs: Any) -> Any:
        answer = self.session.request(method, self.base_url + path, timeout=60, **kwargs)
        if answer.status_code != expected:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
        return answer.json() if answer.content else None

    def devices(self, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        cursor = None
        while True:
            page_params = {"limit": 200, **params} | ({"cursor": cursor} if cursor else {})
            page = self.call("GET", "/v1/devices", 200, params=page_params)
            found += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return found


def sign_in(stack: Stack, base_url: str, run: str) -> str:
    """An organization of the bench's own, and its admin's token."""
    database = connect_mongo(stack.settings)
    try:
        identity = build_identity_ports(stack.settings, database)
        new = NewOrganization(name=f"Bench {run}", admin_email=f"bench-{run}@example.com")
        _, _, password = create_organization(new, identity, datetime.now(tz=UTC))
        identity.login_attempts.clear(address_key("127.0.0.1"))
    finally:
        database.client.close()
    body = {"email": new.admin_email, "password": password}
    answer = requests.post(base_url + "/v1/auth/login", json=body, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


class Onboarding:
    """Creates devices, connects each with its package, and notes when the API shows it online."""

    def __init__(self, api: Api, run: str, device_type: str) -> None:
        self.api = api
        self.run = run
        self.device_type = device_type
        self.created: dict[str, float] = {}  # device id -> when its POST was sent
        self.create_ms: list[float] = []
        self.online: dict[str, float] = {}
        self.agents: list[DeviceAgent] = []
        self._lock = threading.Lock()

    def onboard(self, index: int) -> None:
        started = time.perf_counter()
        body = {"name": f"{self.run}-{index:05}", "device_type": self.device_type}
        package = ProvisioningPackage.model_validate(
            self.api.call("POST", "/v1/devices", 201, json=body)
        )
        answered = time.perf_counter()
        agent = DeviceAgent(package, PahoTransport.of(package), AgentHandlers(), "1.0.0")
        agent.start()
        with self._lock:
            self.created[package.device_id] = started
            self.create_ms.append((answered - started) * 1000)
            self.agents.append(agent)

    def watch(self, stop: threading.Event) -> None:
        while not stop.wait(POLL_S):
            seen = time.perf_counter()
            for device in self.api.devices(name_prefix=self.run, status="online"):
                self.online.setdefault(device["id"], seen)

    def retire(self) -> None:
        for agent in self.agents:
            agent.stop()
        for device_id in self.created:
            self.api.call("POST", f"/v1/devices/{device_id}/decommission", 200)


def run_onboarding(onboarding: Onboarding, count: int, concurrency: int) -> float:
    """Onboard ``count`` devices; the seconds from the first POST until the last is online."""
    stop = threading.Event()
    watcher = threading.Thread(target=onboarding.watch, args=(stop,), daemon=True)
    watcher.start()
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(onboarding.onboard, range(count)))
        deadline = time.monotonic() + ONLINE_WITHIN_S
        while len(onboarding.online) < count and time.monotonic() < deadline:
            time.sleep(POLL_S)
    finally:
        stop.set()
        watcher.join()
    if len(onboarding.online) < count:
        raise RuntimeError(f"{count - len(onboarding.online)} devices never came online")
    return max(onboarding.online.values()) - started


def measure(stack: Stack, count: int, concurrency: int) -> dict[str, Any]:
    base_url = stack.specs["api"].url
    run = f"bench{uuid.uuid4().hex[:8]}"
    api = Api(base_url, sign_in(stack, base_url, run))
    device_type = f"bench-{run[5:]}"
    body = {"id": device_type, "name": "Bench sensor", "firmware_family": "bench-fw"}
    api.call("POST", "/v1/device-types", 201, json=body | {"default_config": {"rate": 1}})
    warmup = Onboarding(api, f"{run}w", device_type)  # the runner's workers start cold
    onboarding = Onboarding(api, f"{run}m", device_type)
    try:
        run_onboarding(warmup, 1, 1)
        total_s = run_onboarding(onboarding, count, concurrency)
        client_ms = [
            (onboarding.online[d] - created) * 1000 for d, created in onboarding.created.items()
        ]
        birth_ms = [
            (
                datetime.fromisoformat(d["status_changed_at"])
                - datetime.fromisoformat(d["created_at"])
            ).total_seconds()
            * 1000
            for d in api.devices(name_prefix=onboarding.run)
        ]
        return {
            "devices": count,
            "concurrency": concurrency,
            "post_devices_ms": summary(onboarding.create_ms),
            "create_to_birth_at_bridge_ms": summary(birth_ms),
            "create_to_online_ms": summary(client_ms),
            "total_s": round(total_s, 2),
        }
    finally:
        warmup.retire()
        onboarding.retire()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=200, help="devices to onboard")
    parser.add_argument("--concurrency", type=int, default=1, help="onboardings at once")
    parser.add_argument("--keep", action="store_true", help="leave the bench stack running")
    args = parser.parse_args()
    with bench_stack(("runner", "bridge", "api"), keep=args.keep) as stack:
        report = {
            "machine": machine(),
            "onboarding": measure(stack, args.devices, max(1, args.concurrency)),
        }
        print(json.dumps(report, indent=2))
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
