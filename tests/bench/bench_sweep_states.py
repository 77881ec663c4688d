"""What the minute's sweep costs the MongoDB-wire server to find its due evaluator states, and
what an index on ``due_ms`` would cost every save, on a server of your own:

    .venv/bin/secantusd-py --host 127.0.0.1 --port 31500 --storage-path /tmp/sweep-db &
    .venv/bin/python -m tests.bench.bench_sweep_states --mongo-url mongodb://127.0.0.1:31500 \\
        --server-pid <its pid> [--orgs 16 --devices 1000 --saves 2000 --index none|due|org-due]

It fills (anew) ``--orgs`` organizations of ``--devices`` device documents, written by the
real store as the evaluator writes them: four rules per device (a threshold and a mean of 60 s
with the default lateness of 60 s, a band with none, a missing-data rule of 5 minutes), twelve
readings 10 s apart; one device in ``--quiet-every`` stopped sending 10 minutes ago, the others
sent their last reading half a second ago. Then it times one sweep's reads of the due states
(``due_ms`` at or before the sweep), the reads the sweep made before due times (every document
of each organization, by its id range, parsed), and ``--saves`` saves of one reading each (the
warm evaluator's: evaluate, replace), and prints the server's CPU seconds (``/proc/<pid>/stat``,
user + system) and the wall time of each. ``--index`` sets the state collection's secondary
index before the saves: none (the store's), one on ``due_ms`` (``due``), or one on organization
and due time (``org-due``). The saves make the server slower for every later run (measured:
twice as slow after 10,000): compare indexes on a fresh server each.

``--full`` times one whole ``sweep_missing_data`` instead, over the real alerting stores (rules,
device registry, states, alarms) of an empty ``--database``; it uses no API newer than the sweep,
so the same command with ``PYTHONPATH=<an export of an older commit>/layers/core`` times the
sweep as it was.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from pymongo import ASCENDING, MongoClient

from iotsphere.adapters.mongo_alerting_state import STATES, MongoEvaluatorStateStore
from iotsphere.domain.alerting.evaluator import accept, new_state
from iotsphere.domain.alerting.evaluator_state import EvaluatorState
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.domain.alerting.rules import Rule

NOW_MS = 1_795_716_000_000
READINGS = 12
CONDITIONS: dict[str, tuple[dict[str, Any], int]] = {
    "hot": ({"type": "threshold", "op": "above", "set": 80, "clear": 75}, 60),
    "mean": (
        {
            "type": "aggregate",
            "function": "mean",
            "window_s": 60,
            "op": "above",
            "set": 40,
            "min_points": 3,
        },
        60,
    ),
    "band": ({"type": "band", "op": "outside", "low": 0, "high": 90}, 0),
    "heartbeat": ({"type": "missing_data", "timeout_s": 300}, 60),
}


def server_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rules(org_id: str) -> list[Rule]:
    return [
        parse_rule(
            {
                "id": rule_id,
                "org_id": org_id,
                "name": rule_id,
                "scope": {"kind": "all"},
                "metric": "temperature",
                "severity": "major",
                "condition": condition,
                "lateness_s": lateness_s,
            }
        )
        for rule_id, (condition, lateness_s) in CONDITIONS.items()
    ]


def device_id(org_id: str, index: int) -> str:
    return f"{org_id}-dev-{index:04d}"  # unique across organizations, as the registry's are


def org_ids(orgs: int) -> list[str]:
    return [f"org{o:02d}" for o in range(orgs)]  # as the registry's pattern wants them


def fill(
    store: MongoEvaluatorStateStore, orgs: int, devices: int, quiet_every: int
) -> list[EvaluatorState]:
    """Every state, as saved (revision 1)."""
    saved: list[EvaluatorState] = []
    for org_id in org_ids(orgs):
        watching = rules(org_id)
        states = []
        for d in range(devices):
            last_ms = NOW_MS - (600_000 if d % quiet_every == 0 else 0)
            points = [(last_ms - k * 10_000, 20.0 + k % 3) for k in range(READINGS)]
            for rule in watching:
                fresh = new_state(rule, device_id(org_id, d))
                states.append(accept(fresh, rule, points, last_ms + 500)[0])
        store.save(states)
        saved += [s.model_copy(update={"revision": 1}) for s in states]
    return saved


class _Nowhere:
    """History, transition log and notification queue of the whole sweep: none kept."""

    def points(self, *args: Any) -> list[Any]:
        return []

    def windows(self, *args: Any) -> dict[str, Any]:
        return {}

    def record(self, transitions: Any) -> None:
        pass

    def publish(self, bodies: Any) -> None:
        pass


def set_index(collection: Any, kind: str) -> None:
    for name in collection.index_information():
        if name != "_id_":
            collection.drop_index(name)
    if kind == "due":
        collection.create_index([("due_ms", ASCENDING)])
    elif kind == "org-due":
        collection.create_index([("org_id", ASCENDING), ("due_ms", ASCENDING)])


def every_document(collection: Any, org_id: str) -> int:
    """The sweep's read before due times: the organization's id range, every state parsed."""
    prefix = {"$gte": f"{org_id}/", "$lt": f"{org_id}0"}
    found = list(collection.find({"_id": prefix, "org_id": org_id}))
    return sum(
        len([EvaluatorState.model_validate_json(s) for s in doc["states"].values()])
        for doc in found
    )


def measure(label: str, pid: int, work: Any) -> dict[str, Any]:
    cpu, wall = server_cpu_s(pid), time.perf_counter()
    count = work()
    return {
        "measured": label,
        "count": count,
        "server_cpu_s": round(server_cpu_s(pid) - cpu, 3),
        "wall_s": round(time.perf_counter() - wall, 3),
    }


def full_sweep(database: Any, args: argparse.Namespace) -> dict[str, Any]:
    from datetime import timedelta

    from iotsphere.adapters.mongo_alerting_ports import (
        ensure_alerting_indexes,
        mongo_alerting_ports,
    )
    from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
    from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
    from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
    from iotsphere.adapters.mongo_devices import MongoDeviceRepository
    from iotsphere.adapters.mongo_devices_indexes import ensure_device_indexes
    from iotsphere.domain.alerting.transitions import from_ms
    from iotsphere.domain.devices.device import Device
    from iotsphere.services.alerting.sweep import sweep_missing_data

    ensure_alerting_indexes(database)
    ensure_device_indexes(database)  # as provisioning does: the sweep reads registrations by them
    registry, rule_store = MongoDeviceRepository(database[DEVICES]), MongoRuleStore(database[RULES])
    at = from_ms(NOW_MS) - timedelta(hours=1)  # a settled fleet: nobody registered lately
    for org_id in org_ids(args.orgs):
        for rule in rules(org_id):
            rule_store.save(rule)
        registry.add(
            [
                Device(
                    id=device_id(org_id, d),
                    org_id=org_id,
                    name=f"dev-{d:04d}",
                    device_type="pump",
                    status_changed_at=at,
                    created_at=at,
                )
                for d in range(args.devices)
            ]
        )
    fill(MongoEvaluatorStateStore(database[STATES]), args.orgs, args.devices, args.quiet_every)
    nowhere = _Nowhere()
    ports = mongo_alerting_ports(
        database, history=nowhere, transitions=nowhere, notifications=nowhere
    )
    found: dict[str, int] = {}

    def sweep() -> int:
        result = sweep_missing_data(from_ms(NOW_MS + 1000), ports)
        found["transitions"] = len(result.transitions)
        return result.states_changed

    measured = measure("one whole sweep: states changed", args.server_pid, sweep)
    return measured | found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mongo-url", required=True)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--database", default="sweep_bench")
    parser.add_argument("--orgs", type=int, default=16)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--quiet-every", type=int, default=100)
    parser.add_argument("--saves", type=int, default=2000)  # at most one per device
    parser.add_argument("--index", choices=["none", "due", "org-due"], default="none")
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    database: Any = MongoClient(args.mongo_url, tz_aware=True)[args.database]
    if args.full:
        print(json.dumps(full_sweep(database, args)))
        return
    collection = database[STATES]
    collection.drop()
    store = MongoEvaluatorStateStore(collection)  # the warm evaluator's, for the saves below
    saved = fill(store, args.orgs, args.devices, args.quiet_every)
    orgs = org_ids(args.orgs)

    def due_reads() -> int:
        store = MongoEvaluatorStateStore(collection)  # a cold sweep process
        return len(store.due_across_orgs(NOW_MS + 1000))

    def reads_before() -> int:
        return sum(every_document(collection, org_id) for org_id in orgs)

    print(json.dumps(measure("one sweep's reads: due states", args.server_pid, due_reads)))
    print(json.dumps(measure("the sweep's reads before", args.server_pid, reads_before)))
    set_index(collection, args.index)
    hot = {org_id: rules(org_id)[0] for org_id in orgs}
    states = [s for s in saved if s.rule_id == "hot"][: args.saves]  # lateness 60 s: written

    def saves() -> int:
        for n, state in enumerate(states):
            ts_ms = (state.max_seen_ms or NOW_MS) + 1000
            rule = hot[state.org_id]
            store.save([accept(state, rule, [(ts_ms, 20.0 + n % 3)], ts_ms + 500)[0]])
        return len(states)

    print(json.dumps(measure(f"saves, index {args.index}", args.server_pid, saves)))


if __name__ == "__main__":
    main()
