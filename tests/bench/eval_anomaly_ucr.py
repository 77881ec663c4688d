"""How well the anomaly rule finds labelled anomalies: the series that ship inside aeon, scored by
``iotsphere alerts score``.

    python3.13 -m venv /tmp/aeon-venv && /tmp/aeon-venv/bin/pip install aeon   # only to load data
    PYTHONPATH=. .venv/bin/python -m tests.bench.eval_anomaly_ucr \
        --aeon-python /tmp/aeon-venv/bin/python [--method robust_z_diff] [--max-window 600]

aeon is not a dependency of IoTSphere: its own interpreter exports each series to CSV
(``timestamp,value``, one point per second from 2026-01-01, and the labels beside it), then this
project's ``iotsphere alerts score`` scores every CSV with each rule of ``--grid`` (or
``--rule``), and the labels are compared with the ``alarm`` column:

- an **event** is a run of labelled points; it is **detected** when an alarm is active at any point
  from its start to ``--tolerance`` points after its end; **delay** = first such alarm point minus
  the event's start (0 if the alarm was already up);
- an **alarm episode** is a run of ``alarm = 1``; it is **true** when it overlaps an event widened
  by the tolerance, **false** otherwise; precision = true episodes / episodes;
- **false alarms per 10,000 points** = false episodes * 10,000 / points.

Series: aeon's one UCR anomaly-archive sample (KDD-TSAD 135, InternalBleeding16: 7,501 points,
one anomaly), and the 9 channels of its Daphnet S06R02E0 excerpt (no anomaly in it: false alarms
only). ``--csv`` adds TimeEval-format files (``timestamp,value,is_anomaly``) of your own, e.g. the
250 series of the archive downloaded by ``aeon.datasets.load_anomaly_detection``.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
GRID = [  # (window points, set |z|, clear |z|)
    (600, 3.5, None),
    (600, 5.0, 3.5),
    (600, 8.0, 4.0),
    (1800, 5.0, 3.5),
    (1800, 8.0, 4.0),
    (3600, 8.0, 4.0),
]
EXPORT = r"""
import json, sys, warnings
import numpy as np
from aeon.datasets import load_kdd_tsad_135
warnings.simplefilter("ignore")
from aeon.datasets import load_daphnet_s06r02e0
out = {}
x, y = load_kdd_tsad_135(split="test")
labels = np.asarray(y).astype(int).tolist()
out["UCR-135-InternalBleeding16"] = (np.asarray(x, float).ravel().tolist(), labels)
x, y = load_daphnet_s06r02e0()
x = np.asarray(x, float)
for c in range(x.shape[1]):
    out[f"Daphnet-S06R02E0-ch{c}"] = (x[:, c].tolist(), np.asarray(y).astype(int).tolist())
json.dump(out, sys.stdout)
"""


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]
    labels: list[int]


def runs(flags: list[int]) -> list[tuple[int, int]]:
    """``(first, last)`` index of each run of ones."""
    found, start = [], None
    for index, flag in enumerate([*flags, 0]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            found.append((start, index - 1))
            start = None
    return found


def assess(labels: list[int], alarms: list[int], tolerance: int) -> dict[str, Any]:
    events = runs(labels)
    episodes = runs(alarms)
    widened = [(first, last + tolerance) for first, last in events]
    true_episodes = sum(
        any(a <= w_last and b >= w_first for w_first, w_last in widened) for a, b in episodes
    )
    detected, delays = 0, []
    for first, last in widened:
        hits = [i for i in range(first, min(last, len(alarms) - 1) + 1) if alarms[i]]
        if hits:
            detected += 1
            delays.append(hits[0] - first)
    false_episodes = len(episodes) - true_episodes
    return {
        "points": len(labels),
        "events": len(events),
        "detected": detected,
        "recall": round(detected / len(events), 3) if events else None,
        "episodes": len(episodes),
        "precision": round(true_episodes / len(episodes), 3) if episodes else None,
        "false_per_10k": round(false_episodes * 10_000 / len(labels), 2),
        "delay_points": delays,
    }


def load_from_aeon(aeon_python: str) -> list[Series]:
    exported = subprocess.run(
        [aeon_python, "-c", EXPORT], check=True, capture_output=True, text=True
    ).stdout
    return [Series(name, v, y) for name, (v, y) in json.loads(exported).items()]


def load_timeeval(path: Path) -> Series:
    with path.open(newline="") as source:
        rows = list(csv.DictReader(source))
    value_column = next(c for c in rows[0] if c not in ("timestamp", "is_anomaly"))
    return Series(
        path.stem,
        [float(r[value_column]) for r in rows],
        [int(float(r["is_anomaly"])) for r in rows],
    )


def score(series: Series, rule: dict[str, Any], workdir: Path) -> list[int]:
    """The ``alarm`` column of ``iotsphere alerts score`` for the series."""
    rule_file, series_file, out_file = (
        workdir / "rule.json",
        workdir / f"{series.name}.csv",
        workdir / "scored.csv",
    )
    rule_file.write_text(json.dumps(rule))
    if not series_file.exists():
        with series_file.open("w", newline="") as sink:
            writer = csv.writer(sink)
            writer.writerow(["timestamp", "value"])
            for index, value in enumerate(series.values):
                at = EPOCH + timedelta(seconds=index)
                writer.writerow([at.isoformat().replace("+00:00", "Z"), repr(value)])
    iotsphere = Path(sys.executable).parent / "iotsphere"
    subprocess.run(
        [
            str(iotsphere),
            "alerts",
            "score",
            "--rule",
            str(rule_file),
            "--input",
            str(series_file),
            "--output",
            str(out_file),
        ],
        check=True,
    )
    with out_file.open(newline="") as scored:
        return [int(row["alarm"]) for row in csv.DictReader(scored)]


def anomaly_rule(
    window: int, set_level: float, clear: float | None, method: str = "robust_z"
) -> dict[str, Any]:
    return {
        "metric": "value",
        "severity": "minor",
        "condition": {
            "type": "anomaly",
            "method": method,
            "window_s": window,
            "min_points": min(window, 100),
            "set": set_level,
            **({} if clear is None else {"clear": clear}),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--aeon-python", default="/tmp/aeon-venv/bin/python")
    parser.add_argument("--csv", type=Path, nargs="*", default=[], help="TimeEval CSV files")
    parser.add_argument("--rule", type=Path, help="one rule JSON instead of the grid")
    parser.add_argument("--tolerance", type=int, default=100, help="points after an event")
    parser.add_argument(
        "--method", choices=["robust_z", "robust_z_diff"], default="robust_z", help="of the grid"
    )
    parser.add_argument(
        "--max-window",
        type=int,
        default=3600,
        help="only grid rows with a window this long or less",
    )
    args = parser.parse_args()
    series = load_from_aeon(args.aeon_python) + [load_timeeval(p) for p in args.csv]
    rules = (
        [("rule", json.loads(args.rule.read_text()))]
        if args.rule
        else [
            (f"w{w} set{s} clear{c or s}", anomaly_rule(w, s, c, args.method))
            for w, s, c in GRID
            if w <= args.max_window
        ]
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for rule_name, rule in rules:
            for one in series:
                alarms = score(one, rule, Path(tmp))
                results.append(
                    {
                        "rule": rule_name,
                        "series": one.name,
                        **assess(one.labels, alarms, args.tolerance),
                    }
                )
    print(f"{'rule':24} {'series':30} {'events':>6} {'found':>5} {'prec':>5} {'FA/10k':>7}  delay")
    for r in results:
        print(
            f"{r['rule']:24} {r['series']:30} {r['events']:>6} {r['detected']:>5} "
            f"{r['precision'] if r['precision'] is not None else '-':>5} {r['false_per_10k']:>7}  "
            f"{r['delay_points']}"
        )
    print(json.dumps({"tolerance_points": args.tolerance, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
