"""The scheduled worker as the runner starts it: a real process that stays up, invokes the handler
at each tick with a scheduled event, and ends on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HANDLER = """
import json, os

def tick(event, context):
    with open(os.environ["TICKS_FILE"], "a") as out:
        out.write(json.dumps({"type": event["detail-type"], "pid": os.getpid()}) + "\\n")
"""


def test_the_worker_stays_up_and_fires_at_each_tick_until_terminated(tmp_path: Path) -> None:
    (tmp_path / "ticking.py").write_text(HANDLER)
    ticks = tmp_path / "ticks.jsonl"
    env = {**os.environ, "TICKS_FILE": str(ticks), "AWS_DEFAULT_REGION": "us-east-1"}
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "iotsphere.local.worker",
            "--functions-dir", str(tmp_path), "--handler", "ticking.tick",
            "--name", "tick", "--scheduled", "--every", "0.2",
        ],
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_lines(ticks)) < 3:
            time.sleep(0.1)
        assert worker.poll() is None, "the worker must stay up between ticks"
    finally:
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=30)
    lines = _lines(ticks)
    assert len(lines) >= 3
    assert {json.loads(line)["type"] for line in lines} == {"Scheduled Event"}
    assert {json.loads(line)["pid"] for line in lines} == {worker.pid}
    assert code == 0


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
