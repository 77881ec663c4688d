"""CPU time of ``evaluate_readings`` per 1,000 readings with the benchmark's fleet and rules.

    .venv/bin/python -m tests.bench.profile_alerting --store fakes
    flock -w 2400 /tmp/iotsphere-stack.lock \\
        .venv/bin/python -m tests.bench.profile_alerting --store mongo   # bench stack's MongoDB
    ... --store mongo --mongo-url mongodb://127.0.0.1:31450   # a server of your own instead
    ... --server-pid <pid of that server>      # and its own CPU time over the measured part
    ... --profile 25                                                      # cProfile, top 25

CPU time (``time.process_time``) of this process only, so other work on a shared machine does not
count; with ``--store mongo`` the MongoDB-wire server's own CPU is not in it (wall time is printed
beside it). Rules, devices, evaluator states, alarms and silences are in the chosen store; history
is empty, the transition log and the notification queue are in memory. Readings come in batches of
``--batch`` (one ingested envelope), every device once per simulated second, after one round that
creates the states.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import from_ms
from iotsphere.domain.devices.device_type import DeviceType, MetricSpec
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.ports import AlertingPorts
from iotsphere.services.alerting.rule_admin import save_rule
from tests.bench.alerting_fleet import TYPES, AlertingFleet
from tests.fakes import FakePublisher
from tests.unit.alerting.fakes import FakeDevices, FakeHistory, FakeLog, Fakes

ROOT = Path(__file__).resolve().parents[2]


class _Types:
    """The two device types the fleet's type rules name, for rule validation."""

    def __init__(self, org_id: str) -> None:
        now = datetime.now(tz=UTC)
        metrics = [MetricSpec(name="temperature"), MetricSpec(name="vibration")]
        self.types = {
            t: DeviceType(
                id=t, org_id=org_id, name=t, firmware_family=t, metrics=metrics, created_at=now
            )
            for t in TYPES
        }

    def get(self, org_id: str, type_id: str) -> DeviceType | None:
        return self.types.get(type_id)


def profiles(fleet: AlertingFleet, org_id: str) -> list[DeviceProfile]:
    return [
        DeviceProfile(
            device_id=fleet.device_id(i),
            org_id=org_id,
            device_type=fleet.device_type(i),
            groups=frozenset({fleet.group(i)}),
        )
        for i in range(fleet.devices)
    ]


def fake_ports(fleet: AlertingFleet, org_id: str) -> AlertingPorts:
    fakes = Fakes(devices=FakeDevices(*profiles(fleet, org_id)))
    ports, now = fakes.ports(), datetime.now(tz=UTC)
    for rule_id, body in fleet.rule_bodies():
        save_rule(org_id, rule_id, body, fakes.rules, _Types(org_id), ports, now)  # type: ignore[arg-type]
    return ports


def bench_stack() -> Any:
    from iotsphere.local.stack import Stack

    return Stack.from_file(ROOT / "tests" / "stack.yml", ROOT / ".iotsphere" / "bench")


def mongo_ports(fleet: AlertingFleet, org_id: str, url: str) -> AlertingPorts:
    from pymongo import MongoClient

    from iotsphere.adapters.mongo_alerting_ports import (
        ensure_alerting_indexes,
        mongo_alerting_ports,
    )
    from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
    from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
    from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
    from iotsphere.adapters.mongo_devices import MongoDeviceRepository
    from iotsphere.domain.devices.device import Device

    database: Any = MongoClient(url, tz_aware=True)["iotsphere"]
    ensure_alerting_indexes(database)  # as provisioning does: they cost every write
    now = datetime.now(tz=UTC)
    MongoDeviceRepository(database[DEVICES]).add(
        [
            Device(
                id=p.device_id,
                org_id=org_id,
                name=p.device_id,
                device_type=str(p.device_type),
                groups=sorted(p.groups),
                status_changed_at=now,
                created_at=now,
            )
            for p in profiles(fleet, org_id)
        ]
    )
    rules = MongoRuleStore(database[RULES])
    ports = mongo_alerting_ports(
        database, history=FakeHistory(), transitions=FakeLog(), notifications=FakePublisher()
    )
    for rule_id, body in fleet.rule_bodies():
        save_rule(org_id, rule_id, body, rules, _Types(org_id), ports, now)  # type: ignore[arg-type]
    return ports


def batches(fleet: AlertingFleet, second: int, t0_ms: int, size: int) -> list[ReadingsBatch]:
    readings = [
        ForwardedReading(
            device_id=fleet.device_id(i),
            ts_ms=t0_ms + second * 1000 + i % 1000,
            metrics=fleet.metrics(i, second),  # type: ignore[arg-type]
            seq=second,
        )
        for i in range(fleet.devices)
    ]
    return [
        ReadingsBatch(envelope_id=f"e{second}-{n}", readings=readings[n : n + size])
        for n in range(0, len(readings), size)
    ]


def _merged(parts: list[ReadingsBatch]) -> ReadingsBatch:
    readings = [reading for part in parts for reading in part.readings]
    return ReadingsBatch(envelope_id=parts[0].envelope_id, readings=readings)


def process_cpu_s(pid: int) -> float:
    """User plus system CPU seconds of a process on this machine (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    ports: AlertingPorts,
    fleet: AlertingFleet,
    seconds: int,
    size: int,
    profile: int,
    server_pid: int | None = None,
    span: int = 1,
) -> dict[str, Any]:
    t0_ms = int(time.time() * 1000) - (seconds + 5) * 1000
    for batch in batches(fleet, 0, t0_ms, size):  # the round that creates every state
        evaluate_readings(batch, ports, from_ms(t0_ms + 1000))
    work = [(s, b) for s in range(1, seconds + 1) for b in batches(fleet, s, t0_ms, size)]
    if span > 1:  # one invocation takes the readings of ``span`` seconds, as under a backlog
        work = [
            (s + span - 1, _merged([b for second, b in work if s <= second < s + span]))
            for s in range(1, seconds + 1, span)
        ]
    profiler = cProfile.Profile() if profile else None
    server = process_cpu_s(server_pid) if server_pid else 0.0
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    transitions = evaluated = 0
    for second, batch in work:
        result = evaluate_readings(batch, ports, from_ms(t0_ms + second * 1000 + 1000))
        transitions += len(result.transitions)
        evaluated += result.evaluated
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    server = process_cpu_s(server_pid) - server if server_pid else 0.0
    readings = seconds * fleet.devices
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(profile)
    measured = {
        "readings": readings,
        "rule_evaluations": evaluated,
        "transitions": transitions,
        "cpu_s_per_1000_readings": round(cpu / readings * 1000, 4),
        "wall_s_per_1000_readings": round(wall / readings * 1000, 4),
        "readings_per_cpu_s": round(readings / cpu, 1),
    }
    if server_pid:
        measured["server_cpu_s_per_1000_readings"] = round(server / readings * 1000, 4)
    return measured


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", choices=("fakes", "mongo"), default="fakes")
    parser.add_argument("--mongo-url", help="with --store mongo: this server, not the stack's")
    parser.add_argument("--server-pid", type=int, help="with --mongo-url: its CPU time too")
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=20, help="simulated seconds measured")
    parser.add_argument("--batch", type=int, default=100, help="readings per alerts message")
    parser.add_argument(
        "--span", type=int, default=1, help="seconds of readings per invocation (a backlog)"
    )
    parser.add_argument("--profile", type=int, default=0, help="print the top N of cProfile")
    parser.add_argument(
        "--no-heartbeat", action="store_true", help="without the fleet-wide missing-data rule"
    )
    args = parser.parse_args()
    fleet = AlertingFleet(
        f"prof{uuid.uuid4().hex[:6]}",
        args.devices,
        args.rules,
        rate=float(args.devices),
        duration_s=args.seconds + 1,
        warmup_s=1,  # every faulty device runs hot at the first measured second
        heartbeat=not args.no_heartbeat,
    )
    org_id = fleet.prefix
    if args.store == "fakes":
        ports = fake_ports(fleet, org_id)
        result = measure(ports, fleet, args.seconds, args.batch, args.profile, span=args.span)
    elif args.mongo_url:
        ports = mongo_ports(fleet, org_id, args.mongo_url)
        result = measure(
            ports,
            fleet,
            args.seconds,
            args.batch,
            args.profile,
            server_pid=args.server_pid,
            span=args.span,
        )
    else:
        stack = bench_stack()
        started = stack.start("mongodb")
        try:
            ports = mongo_ports(fleet, org_id, stack.settings.mongo_url)
            result = measure(ports, fleet, args.seconds, args.batch, args.profile)
        finally:
            if started:
                stack.stop("mongodb")
    print(json.dumps({"store": args.store, "batch": args.batch, **result}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
