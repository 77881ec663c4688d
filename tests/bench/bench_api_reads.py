"""The common API reads, measured through the API as ``iotsphere api`` serves it:

- **device list of 1,000**: ``GET /v1/devices`` a page of 200 at a time until the cursor ends
  (skipped, and said so, when the registry's list route is not in the OpenAPI document);
- **telemetry range for one device over a day**: ``GET /v1/devices/{id}/telemetry``, one
  reading every 10 s (8,640 points) raw, and the same day in 5-minute means;
- **latest values for 100 devices**: ``GET /v1/telemetry/latest`` with 100 ``device_id``.

    .venv/bin/python -m tests.bench.bench_api_reads --iterations 200
    .venv/bin/python -m tests.bench.bench_api_reads --smoke        # a few requests of each

(from the project root with ``PYTHONPATH=.``). It starts its own stack (tests/stack.yml, home
.iotsphere/bench) and the ``api`` service, seeds an organization of its own (devices straight
into the registry's MongoDB collection, readings straight into InfluxDB), then times each read
from a client on the same machine: one request after the other, after a few unmeasured ones.
Every answer is checked (status and size) so a fast error never counts as a fast read. The
devices are removed at the end; the readings stay in the bench InfluxDB. Results: JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import math
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from iotsphere.adapters.influx_telemetry import InfluxTelemetryStore
from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.bootstrap import build_identity_ports, connect_mongo
from iotsphere.domain.devices.device import Device
from iotsphere.domain.identity.requests import NewOrganization
from iotsphere.domain.telemetry import Reading
from iotsphere.local.stack import Stack
from iotsphere.services.identity.organizations import create_organization
from iotsphere.services.identity.throttling import address_key
from tests.bench.bench_stack import bench_stack
from tests.bench.bench_telemetry import machine

DEVICE_COUNT = 1000
LATEST_DEVICES = 100
DAY_STEP = timedelta(seconds=10)
WARMUP = 3


def percentile(samples: list[float], share: float) -> float:
    """Nearest rank: the smallest sample at or above ``share`` of them."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed(name: str, call: Callable[[], int], iterations: int) -> dict[str, Any]:
    """``call`` does one read, checks it and returns how many items it got."""
    for _ in range(WARMUP):
        call()
    samples = []
    items = 0
    for _ in range(iterations):
        started = time.perf_counter()
        items = call()
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "read": name,
        "requests": iterations,
        "items": items,
        "p50_ms": round(percentile(samples, 0.5), 1),
        "p99_ms": round(percentile(samples, 0.99), 1),
        "max_ms": round(max(samples), 1),
    }


class Seeded:
    """An organization with 1,000 devices, a day of readings of one, a reading for 100."""

    def __init__(self, stack: Stack) -> None:
        self.run = uuid.uuid4().hex[:8]
        self.now = datetime.now(tz=UTC).replace(microsecond=0)
        self.database = connect_mongo(stack.settings)
        identity = build_identity_ports(stack.settings, self.database)
        new = NewOrganization(name=f"Bench {self.run}", admin_email=f"bench-{self.run}@example.com")
        org, _, self.password = create_organization(new, identity, self.now)
        identity.login_attempts.clear(address_key("127.0.0.1"))
        self.org_id, self.email = org.id, new.admin_email
        self.device_ids = [f"bench-{self.run}-{i:04}" for i in range(DEVICE_COUNT)]
        self.devices = MongoDeviceRepository(self.database[DEVICES])
        self.devices.add([self._device(device_id) for device_id in self.device_ids])
        self._write_readings(InfluxTelemetryStore.from_settings(stack.settings))

    def _device(self, device_id: str) -> Device:
        return Device(
            id=device_id,
            org_id=self.org_id,
            name=device_id,
            device_type="bench",
            groups=["bench"],
            status_changed_at=self.now,
            created_at=self.now,
        )

    def _write_readings(self, store: InfluxTelemetryStore) -> None:
        start = self.now - timedelta(days=1)
        day = [
            Reading(
                device_id=self.device_ids[0], ts=start + i * DAY_STEP, metrics={"t": float(i % 50)}
            )
            for i in range(int(timedelta(days=1) / DAY_STEP))
        ]
        for first in range(0, len(day), 5000):
            assert store.write(day[first : first + 5000]) == []
        latest = [
            Reading(device_id=device_id, ts=self.now - timedelta(minutes=1), metrics={"t": 1.0})
            for device_id in self.device_ids[:LATEST_DEVICES]
        ]
        assert store.write(latest) == []

    def remove(self) -> None:
        self.devices.remove(self.org_id, self.device_ids)
        self.database.client.close()


class Reads:
    def __init__(self, base_url: str, token: str, seeded: Seeded) -> None:
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.base_url = base_url
        self.seeded = seeded

    def get(self, path: str, params: Any) -> Any:
        answer = self.session.get(self.base_url + path, params=params, timeout=60)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {path}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def device_list(self) -> int:
        listed, cursor = 0, None
        while True:
            params = {"limit": 200} | ({"cursor": cursor} if cursor else {})
            page = self.get("/v1/devices", params)
            listed += len(page["items"])
            cursor = page.get("next_cursor")
            if not cursor:
                break
        assert listed == DEVICE_COUNT, listed
        return listed

    def day_of_one_device(self, window: str | None) -> int:
        params = {
            "metric": "t",
            "start": (self.seeded.now - timedelta(days=1)).isoformat(),
            "end": (self.seeded.now + timedelta(seconds=1)).isoformat(),
            "limit": 10_000,
        } | ({"window": window} if window else {})
        points = len(
            self.get(f"/v1/devices/{self.seeded.device_ids[0]}/telemetry", params)["points"]
        )
        assert points >= (288 if window else 8640), points
        return points

    def latest_of_100(self) -> int:
        params = [("metric", "t")] + [("device_id", d) for d in self.seeded.device_ids[:100]]
        values = self.get("/v1/telemetry/latest", params)["values"]
        assert len(values) == LATEST_DEVICES, len(values)
        return len(values)


def login(base_url: str, seeded: Seeded) -> str:
    answer = requests.post(
        base_url + "/v1/auth/login",
        json={"email": seeded.email, "password": seeded.password},
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def has_device_list(base_url: str) -> bool:
    document = requests.get(base_url + "/v1/openapi.json", timeout=30).json()
    return "get" in document["paths"].get("/v1/devices", {})


def measure(stack: Stack, iterations: int) -> list[dict[str, Any]]:
    base_url = stack.specs["api"].url
    seeded = Seeded(stack)
    try:
        reads = Reads(base_url, login(base_url, seeded), seeded)
        results = []
        if has_device_list(base_url):
            results.append(timed("device list of 1,000 (5 pages)", reads.device_list, iterations))
        else:
            results.append({"read": "device list of 1,000", "skipped": "no GET /v1/devices"})
        results.append(
            timed("one device, one day, raw", lambda: reads.day_of_one_device(None), iterations)
        )
        results.append(
            timed("one device, one day, 5m", lambda: reads.day_of_one_device("5m"), iterations)
        )
        results.append(timed("latest of 100 devices", reads.latest_of_100, iterations))
        return results
    finally:
        seeded.remove()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=200, help="timed requests per read")
    parser.add_argument("--smoke", action="store_true", help="5 requests of each read")
    parser.add_argument("--keep", action="store_true", help="leave the bench stack running")
    args = parser.parse_args()
    iterations = 5 if args.smoke else args.iterations
    with bench_stack(("api",), keep=args.keep) as stack:
        report = {"machine": machine(), "reads": measure(stack, iterations)}
        print(json.dumps(report, indent=2))
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
