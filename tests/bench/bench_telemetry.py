"""The telemetry benchmark: the whole path on this machine, everything co-located.

    .venv/bin/python -m tests.bench.bench_telemetry --rate 5000 --duration 300
    .venv/bin/python -m tests.bench.bench_telemetry --smoke        # what CI runs: a few seconds

It starts its own stack (tests/stack.yml, home .iotsphere/bench) with the runner and the bridge,
measures the raw MQTT ceiling (paho -> Mosquitto -> paho, QoS 1, each in its own process), then
publishes ``--rate`` readings/s from ``--devices`` devices for ``--duration`` seconds and reports
the sustained rate, publish-to-queryable latency (p50/p99) and loss. Results go to stdout as JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import time
import uuid
from pathlib import Path
from typing import Any

from iotsphere.local.secrets import BENCH_USER, SIMULATOR_USER, mqtt_credentials
from iotsphere.local.stack import Stack
from tests.bench.latency_probe import LatencyProbe
from tests.bench.mqtt_load import Broker, publish_paced, subscribe_count
from tests.e2e.fleet import influx, stored_count

ROOT = Path(__file__).resolve().parents[2]


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
    received, published, acked = mp.Value("q", 0), mp.Value("q", 0), mp.Value("q", 0)
    ready = mp.Event()
    sub = mp.Process(
        target=subscribe_count,
        args=(subscriber, f"bench/{prefix}", messages, received, ready),
    )
    sub.start()
    ready.wait(10)
    started = time.time()
    pub = mp.Process(target=_publish_ceiling, args=(publisher, prefix, messages, published, acked))
    pub.start()
    sub.join(120)
    if sub.is_alive():
        sub.terminate()
        pub.terminate()
        raise RuntimeError(f"ceiling run stalled at {received.value} of {messages} messages")
    elapsed = time.time() - started
    pub.join(30)
    return received.value / elapsed


def _publish_ceiling(broker: Broker, prefix: str, total: int, published: Any, acked: Any) -> None:
    from tests.bench.mqtt_load import connect

    client = connect(broker, f"bench-ceiling-{prefix}")
    payload = b'{"ts":1,"seq":1,"metrics":{"temperature":21.5,"vibration":0.81}}'
    infos = [client.publish(f"bench/{prefix}", payload, qos=1) for _ in range(total)]
    for info in infos:
        info.wait_for_publish(60)
    client.disconnect()
    client.loop_stop()


def full_path(stack: Stack, rate: float, duration: float, devices: int) -> dict[str, Any]:
    settings = stack.settings
    broker = Broker(
        stack.config.services.mosquitto.port, *mqtt_credentials(stack.home.root, SIMULATOR_USER)
    )
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    total = int(rate * duration)
    start_ms = int(time.time() * 1000) + 1000
    published, acked = mp.Value("q", 0), mp.Value("q", 0)
    pub = mp.Process(
        target=publish_paced,
        args=(broker, prefix, devices, rate, total, start_ms, published, acked),
    )
    pub.start()
    probe = LatencyProbe(influx(settings), prefix, devices, rate, start_ms)
    while pub.is_alive():
        probe.poll()
        time.sleep(0.5)
    publish_seconds = time.time() - start_ms / 1000
    drain_started = time.time()
    last, stable_since = -1, time.time()
    while time.time() - stable_since < 5 and time.time() - drain_started < 120:
        probe.poll()
        count = stored_count(settings, prefix)
        if count != last:
            last, stable_since = count, time.time()
        time.sleep(0.5)
    stored = stored_count(settings, prefix)
    return {
        "target_rate": rate,
        "devices": devices,
        "duration_s": duration,
        "published": published.value,
        "acked_by_broker": acked.value,
        "stored": stored,
        "lost": acked.value - stored,  # accepted by the broker, never stored
        "not_acked": published.value - acked.value,
        "publish_seconds": round(publish_seconds, 1),
        "sustained_rate": round(stored / publish_seconds, 1),
        "latency_p50_ms": probe.percentile(0.50),
        "latency_p99_ms": probe.percentile(0.99),
        "latency_max_ms": float(max(probe.latencies_ms, default=0)),
        "latency_samples": len(probe.latencies_ms),
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
    args = parser.parse_args()
    if args.smoke:
        args.rate, args.duration, args.devices, args.ceiling_messages = 500, 4, 10, 2000
    stack = Stack.from_file(ROOT / "tests" / "stack.yml", ROOT / ".iotsphere" / "bench")
    os.environ.update({"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"})
    os.environ.setdefault("AWS_DEFAULT_REGION", stack.config.services.localstack.region)
    started_here = [name for name in stack.specs if not stack.is_running(name)]
    try:
        stack.up(only_infra=True)
        for name in ("runner", "bridge"):
            stack.start(name)
        report = {
            "machine": machine(),
            "mqtt_ceiling_msgs_per_s": round(mqtt_ceiling(stack, args.ceiling_messages), 1),
            "full_path": full_path(stack, args.rate, args.duration, args.devices),
        }
        report["ratio_to_ceiling"] = round(
            report["full_path"]["sustained_rate"] / report["mqtt_ceiling_msgs_per_s"], 3
        )
        print(json.dumps(report, indent=2))
        result = report["full_path"]
        return 0 if result["lost"] == 0 and result["not_acked"] == 0 else 1
    finally:
        if not args.keep:
            for name in reversed(started_here):
                stack.stop(name)


if __name__ == "__main__":
    raise SystemExit(main())
