"""What the minute's sweep costs the MongoDB-wire server to find its due evaluator states, and
what an index on ``due_ms`` would cost every save, on a server of your own:

    .venv/bin/secantusd-py --host 127.0.0.1 --port 31500 --storage-path /tmp/sweep-db &
    .venv/bin/python -m tests.bench.bench_sweep_states --mongo-url mongodb://127.0.0.1:31500 \\
        --server-pid <its pid> [--orgs 16 --devices 1000 --saves 2000 --index none|due|org-due]

The first run fills ``--orgs`` organizations of ``--devices`` device documents, written by the
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


def fill(store: MongoEvaluatorStateStore, orgs: int, devices: int, quiet_every: int) -> None:
    for o in range(orgs):
        watching = rules(f"org-{o:02d}")
        states = []
        for d in range(devices):
            last_ms = NOW_MS - (600_000 if d % quiet_every == 0 else 0)
            points = [(last_ms - k * 10_000, 20.0 + k % 3) for k in range(READINGS)]
            for rule in watching:
                state, _ = accept(new_state(rule, f"dev-{d:04d}"), rule, points, last_ms + 500)
                states.append(state)
        store.save(states)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mongo-url", required=True)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--database", default="sweep_bench")
    parser.add_argument("--orgs", type=int, default=16)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--quiet-every", type=int, default=100)
    parser.add_argument("--saves", type=int, default=2000)
    parser.add_argument("--index", choices=["due", "none", "org-due"], default="due")
    args = parser.parse_args()
    collection: Any = MongoClient(args.mongo_url, tz_aware=True)[args.database][STATES]
    if collection.estimated_document_count() == 0:
        fill(MongoEvaluatorStateStore(collection), args.orgs, args.devices, args.quiet_every)
    set_index(collection, "none")
    orgs = [f"org-{o:02d}" for o in range(args.orgs)]

    def due_reads() -> int:
        store = MongoEvaluatorStateStore(collection)  # a cold sweep process
        return len(store.due_across_orgs(NOW_MS + 1000))

    def reads_before() -> int:
        return sum(every_document(collection, org_id) for org_id in orgs)

    print(json.dumps(measure("one sweep's reads: due states", args.server_pid, due_reads)))
    print(json.dumps(measure("the sweep's reads before", args.server_pid, reads_before)))
    set_index(collection, args.index)
    store = MongoEvaluatorStateStore(collection)
    hot = {org_id: rules(org_id)[0] for org_id in orgs}
    keys = [
        (org_id, hot[org_id].id, f"dev-{d:04d}", hot[org_id].metric)
        for d in range(args.devices)
        for org_id in orgs
    ][: args.saves]
    store.load(keys)  # warm, as the evaluator is: the saves below read nothing

    def saves() -> int:
        for n, key in enumerate(keys):
            state = store.load([key])[key]
            rule = hot[key[0]]
            ts_ms = (state.max_seen_ms or NOW_MS) + 1000
            store.save([accept(state, rule, [(ts_ms, 20.0 + n % 3)], ts_ms + 500)[0]])
        return len(keys)

    print(json.dumps(measure(f"saves, index {args.index}", args.server_pid, saves)))


if __name__ == "__main__":
    main()
