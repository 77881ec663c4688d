"""The telemetry benchmark: the whole path on this machine, everything co-located.

    .venv/bin/python -m tests.bench.bench_telemetry --rate 5000 --duration 300
    .venv/bin/python -m tests.bench.bench_telemetry --smoke        # what CI runs: a few seconds

It starts its own stack (tests/stack.yml, home .iotsphere/bench) with the runner and the bridge,
measures the raw MQTT ceiling (paho -> Mosquitto -> paho, QoS 1, each in its own process), then
has the device simulator (``iotsphere simulate``, its own process) publish ``--rate`` readings/s
from ``--devices`` devices for ``--duration`` seconds and reports
the sustained rate, publish-to-queryable latency (p50/p99) and loss. Results go to stdout as JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from iotsphere.local.secrets import BENCH_USER, mqtt_credentials
from iotsphere.local.stack import Stack
from tests.bench.bench_stack import bench_stack
from tests.bench.latency_probe import LatencyProbe
from tests.bench.mqtt_load import Broker, publish_burst, subscribe_count
from tests.e2e.fleet import influx, stored_count

POLL_S = 0.1  # the latency resolution: a reading is seen at most this long after it is stored


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def mqtt_ceiling(stack: Stack, messages: int) -> float:
    """Messages/s from one paho publisher through Mosquitto to one paho subscriber, QoS 1."""
    port = stack.config.services.mosquitto.port
    home = stack.home.root
    publisher = subscriber = Broker(port, *mqtt_credentials(home, BENCH_USER))
    prefix = f"ceil{uuid.uuid4().hex[:6]}"
    received = mp.Value("q", 0)
    ready = mp.Event()
    sub = mp.Process(
        target=subscribe_count,
        args=(subscriber, f"bench/{prefix}", messages, received, ready),
    )
    sub.start()
    ready.wait(10)
    started = time.time()
    pub = mp.Process(target=publish_burst, args=(publisher, f"bench/{prefix}", messages))
    pub.start()
    sub.join(120)
    if sub.is_alive():
        sub.terminate()
        pub.terminate()
        raise RuntimeError(f"ceiling run stalled at {received.value} of {messages} messages")
    elapsed = time.time() - started
    pub.join(30)
    return received.value / elapsed


def full_path(
    stack: Stack, rate: float, duration: float, devices: int, simulator_nice: int = 0
) -> dict[str, Any]:
    """The simulator publishes ``rate`` readings/s for ``duration`` s; we watch them arrive.
    ``simulator_nice`` lowers the simulator's CPU priority: the devices it plays are not on the
    platform's machine in real life, and on two cores their share of the CPU would otherwise be
    taken from the platform being measured (``sustained_rate`` shows if it kept its pace)."""
    settings = stack.settings
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    per_device = rate / devices
    count = int(per_device * duration)
    with tempfile.TemporaryDirectory() as tmp:
        stats_file = Path(tmp) / "stats.json"
        niced = ["nice", "-n", str(simulator_nice)] if simulator_nice else []
        simulator = subprocess.Popen(
            [
                *niced,
                str(Path(sys.executable).parent / "iotsphere"),
                "simulate",
                "--config",
                str(stack.config_path),
                "--home",
                str(stack.home.root),
                "--devices",
                str(devices),
                "--rate",
                str(per_device),
                "--count",
                str(count),
                "--prefix",
                prefix,
                "--failing-fraction",
                "0",
                "--fault-rate",
                "0",
                "--mqtt-version",
                "3.1.1",
                "--log-every",
                "3600",
                "--stats-file",
                str(stats_file),
            ],
            stdout=subprocess.DEVNULL,
        )
        started = time.time()
        probe = LatencyProbe(influx(settings), prefix, 1000 / per_device, devices)
        while simulator.poll() is None:
            probe.poll()
            time.sleep(POLL_S)
        publish_seconds = time.time() - started
        stats = json.loads(stats_file.read_text())
    drain_started = time.time()
    last, stable_since = -1, time.time()
    while time.time() - stable_since < 5 and time.time() - drain_started < 120:
        probe.poll()
        count_now = stored_count(settings, prefix)
        if count_now != last:
            last, stable_since = count_now, time.time()
        time.sleep(0.5)
    stored = stored_count(settings, prefix)
    return {
        "target_rate": rate,
        "devices": devices,
        "duration_s": duration,
        "published": stats["published"],
        "acked_by_broker": stats["acked"],
        "stored": stored,
        "lost": stats["acked"] - stored,  # accepted by the broker, never stored
        "not_acked": stats["published"] - stats["acked"],
        "publish_seconds": round(publish_seconds, 1),
        "sustained_rate": round(stored / publish_seconds, 1),
        "latency_p50_ms": probe.percentile(0.50),
        "latency_p99_ms": probe.percentile(0.99),
        "latency_max_ms": round(max(probe.latencies_ms, default=0), 1),
        "latency_samples": len(probe.latencies_ms),
        "seconds_over_1s": probe.slow_seconds(above_ms=1000),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=5000)
    parser.add_argument("--duration", type=float, default=300)
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--ceiling-messages", type=int, default=50_000)
    parser.add_argument("--smoke", action="store_true", help="a few seconds at a low rate")
    parser.add_argument("--keep", action="store_true", help="leave the bench stack running")
    parser.add_argument(
        "--simulator-nice", type=int, default=10, help="the devices' CPU priority (0: as ours)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.rate, args.duration, args.devices, args.ceiling_messages = 500, 4, 10, 2000
    with bench_stack(("runner", "bridge"), keep=args.keep, home="bench-telemetry") as stack:
        report = {
            "machine": machine(),
            "mqtt_ceiling_msgs_per_s": round(mqtt_ceiling(stack, args.ceiling_messages), 1),
            "simulator_nice": args.simulator_nice,
            "full_path": full_path(
                stack, args.rate, args.duration, args.devices, args.simulator_nice
            ),
        }
        report["ratio_to_ceiling"] = round(
            report["full_path"]["sustained_rate"] / report["mqtt_ceiling_msgs_per_s"], 3
        )
        print(json.dumps(report, indent=2))
        result = report["full_path"]
        return 0 if result["lost"] == 0 and result["not_acked"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
