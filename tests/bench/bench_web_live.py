"""Live chart latency in the browser: a reading published through the real broker until the
device's open chart draws it, measured in Debian's Chromium:

    flock -w 2400 /tmp/iotsphere-stack.lock \\
        env PYTHONPATH=. .venv/bin/python -m tests.bench.bench_web_live --readings 30
    ... --readings 10 --duration 45                                       # a short try

It starts its own stack (tests/stack.yml, home .iotsphere/bench, the test ports: hence the lock)
with the API, the runner and the bridge, serves the web app in front of the API (``serve.mjs``,
the stack's web port), makes an organization and one device that connects as itself
(``DeviceAgent``, its own credentials), and opens the device's temperature chart over the last
15 minutes in the browser (``frontend/e2e/flows/live-chart-latency.mjs``). The chart reads its
series again every second or two while on screen and averages per 3 s window, so readings go out
at least ``--gap`` (3 s) apart, each in a window of its own with a value of its own, plus a random
``--jitter`` so that they fall at every phase of the chart's polling.

Per reading, on the machine's one clock: **published** (handed to the MQTT client, QoS 1),
**stored** (first seen by a query to InfluxDB, polled every ``--probe`` seconds), **read** (the
chart's first read of the series holding it: sent, answered) and **drawn** (the first time after
that answer the chart's canvas was drawn). Reported as JSON on stdout: the chart's polling
interval as it ran (between its reads); p50/p99 of publish→drawn (the issue's "within 2 s"),
publish→stored, stored→drawn and read→drawn (the request and the redraw); and the polling
interval that would keep the p99 of publish→drawn within the target given the rest:
``target - p99(publish→stored) - p99(read→drawn)``.
No assertion: the numbers go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from influxdb import InfluxDBClient

from iotsphere.adapters.line_protocol import MEASUREMENT
from iotsphere.bootstrap import build_identity_ports, connect_mongo
from iotsphere.local.stack import Stack
from tests.bench.bench_stack import bench_stack
from tests.bench.bench_telemetry import machine
from tests.e2e.api.client import ApiClient
from tests.e2e.fleet import influx
from tests.e2e.web.devices import OnlineDevice, onboard, wait_for_status
from tests.e2e.web.harness import (
    FlowRunner,
    ensure_browser,
    serving,
    web_organization,
    web_root,
)

PLATFORM = ("api", "runner", "bridge")
METRIC = "temperature"  # what the device publishes (``temperature=``) and the chart shows
HISTORY = 5  # readings before the chart opens: it starts as a chart, not an empty state
SETTLE_S = 5.0  # after the last reading: the chart's next reads (it polls every 1 or 2 s)


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p99": None, "max": None, "n": 0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))])

    return {"p50": at(0.50), "p99": at(0.99), "max": round(ordered[-1]), "n": len(ordered)}


def stored_at_ms(client: InfluxDBClient, device_id: str, ts: datetime, probe_s: float) -> float:
    """When InfluxDB first answers the reading stamped ``ts`` as the device's latest (epoch ms)."""
    wanted = round(ts.timestamp() * 1000)
    query = (
        f'SELECT last("{METRIC}") FROM {MEASUREMENT} '  # noqa: S608
        "WHERE device_id = $device AND time > now() - 1m"
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        result = client.query(query, bind_params={"device": device_id}, epoch="ms")
        if any(point["time"] >= wanted for point in result.get_points()):
            return time.time() * 1000
        time.sleep(probe_s)
    raise AssertionError(f"the reading of {ts.isoformat()} was not stored within 30 s")


def same(shown: object, sent: float) -> bool:
    """A window's mean is the one reading in it (a window without one is null)."""
    return isinstance(shown, float | int) and abs(shown - sent) < 1e-9


def drawn(
    sent: list[dict[str, Any]], reads: list[dict[str, Any]], draws: list[float]
) -> list[dict[str, Any]]:
    """Each published reading with its first read holding its value and the draw after it."""
    reads = sorted(reads, key=lambda read: read["answered"])
    draws = sorted(draws)
    timed = []
    for reading in sent:
        read = next(
            (r for r in reads if any(same(v, reading["value"]) for v in r["values"])),
            None,
        )
        draw = next((d for d in draws if read and d >= read["answered"]), None)
        timed.append({**reading, "read": read and read["started"], "drawn": draw})
    return timed


def read_intervals(reads: list[dict[str, Any]]) -> list[float]:
    """Between the starts of the chart's consecutive reads: its polling interval, as it ran."""
    starts = sorted(read["started"] for read in reads)
    return [later - earlier for earlier, later in itertools.pairwise(starts)]


def measure(stack: Stack, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    settings = stack.settings
    database = connect_mongo(settings)
    api = ApiClient(stack.specs["api"].url)
    org = web_organization(build_identity_ports(settings, database), api, "Live chart bench")
    node = ensure_browser()
    web_port = stack.config.services.web.port
    log = workdir / "serve.log"
    sent: list[dict[str, Any]] = []
    with (
        serving(node, web_root(), api.base_url, web_port, log) as url,
        OnlineDevice(onboard(org.org.operator, org.device_type, "live")) as device,
    ):
        wait_for_status(org.org.viewer, device.id, "online")
        client = influx(settings)
        now = datetime.now(tz=UTC)
        for n in range(HISTORY, 0, -1):
            last = device.publish(now - timedelta(seconds=3 * n), temperature=20.0 + n)
        stored_at_ms(client, device.id, last, args.probe)
        flows = FlowRunner(node, url, workdir / "screenshots", _workdir(workdir), org.inputs())
        deadline_s = args.duration + 30 * 60
        with flows.running(
            "live-chart-latency", deadline_s, device_id=device.id, metric=METRIC
        ) as flow:
            flow.wait_for("watching")
            rng = random.Random(args.seed)
            began = time.monotonic()
            while len(sent) < args.readings and time.monotonic() - began < args.duration:
                value = round(40.0 + len(sent) * 0.5 + rng.random() / 100, 4)  # each its own
                published = time.time() * 1000
                ts = device.publish(temperature=value)
                stored = stored_at_ms(client, device.id, ts, args.probe)
                sent.append({"value": value, "published": published, "stored": stored})
                time.sleep(max(0.0, published / 1000 + args.gap + rng.uniform(0, args.jitter)
                               - time.time()))  # fmt: skip
            time.sleep(SETTLE_S)
            flow.send("done")
            result = flow.finish()
        client.close()
    database.client.close()
    result.assert_clean()
    timed = drawn(sent, result.facts["reads"], result.facts["draws"])
    complete = [t for t in timed if t["drawn"] is not None]
    latencies = {
        "publish_to_drawn_ms": percentiles([t["drawn"] - t["published"] for t in complete]),
        "publish_to_stored_ms": percentiles([t["stored"] - t["published"] for t in complete]),
        "stored_to_drawn_ms": percentiles([t["drawn"] - t["stored"] for t in complete]),
        "read_to_drawn_ms": percentiles([t["drawn"] - t["read"] for t in complete]),
    }
    rest = latencies["publish_to_stored_ms"]["p99"], latencies["read_to_drawn_ms"]["p99"]
    interval = None if None in rest else args.target_ms - sum(r for r in rest if r is not None)
    return {
        "readings": len(sent),
        "never_drawn": len(sent) - len(complete),
        "chart_reads_every_ms": percentiles(read_intervals(result.facts["reads"])),
        "target_ms": args.target_ms,
        **latencies,
        "interval_for_target_ms": interval,
    }


def _workdir(root: Path) -> Any:
    def make(name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root))

    return make


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--readings", type=int, default=30, help="readings to time")
    parser.add_argument("--duration", type=float, default=300.0, help="stop publishing after (s)")
    parser.add_argument("--gap", type=float, default=3.0, help="least seconds between readings")
    parser.add_argument("--jitter", type=float, default=1.5, help="random extra seconds, 0 to it")
    parser.add_argument("--probe", type=float, default=0.05, help="InfluxDB poll interval (s)")
    parser.add_argument("--target-ms", type=float, default=2000.0, help="the issue's target")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="leave the bench stack running")
    args = parser.parse_args()
    with (
        bench_stack(PLATFORM, keep=args.keep) as stack,
        tempfile.TemporaryDirectory(prefix="bench-web-live-") as workdir,
    ):
        report = {"machine": machine(), "live_chart": measure(stack, args, Path(workdir))}
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
