"""The simulator's fleet for browser flows: ``iotsphere simulate --register-as`` run against the
test stack, so the flow's devices are onboarded in the flow's organization and each runs the
device agent as itself (telemetry, planned faults, firmware offers), as on a developer's stack."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from iotsphere.local.stack import Stack

RUN_S = 600  # longer than any flow: the test stops the simulator when its flow is done


@contextmanager
def simulating(
    stack: Stack,
    owner_email: str,
    prefix: str,
    folder: Path,
    *,
    devices: int,
    seed: int,
    fault_plan: Sequence[dict[str, Any]] = (),
) -> Iterator[subprocess.Popen[bytes]]:
    """The simulator running ``devices`` agents (``<prefix>-0001`` …, one reading a second) until
    the block ends; a run that failed fails the test with its log."""
    command = [
        str(Path(sys.executable).parent / "iotsphere"),
        "simulate",
        *("--config", str(stack.config_path), "--home", str(stack.home.root)),
        *("--devices", str(devices), "--rate", "1", "--duration", str(RUN_S)),
        *("--prefix", prefix, "--seed", str(seed), "--failing-fraction", "0"),
        *("--register-as", owner_email, "--log-every", "30"),
        *("--stats-file", str(folder / "stats.json")),
    ]
    if fault_plan:
        (folder / "plan.json").write_text(json.dumps(list(fault_plan)))
        command += ["--fault-plan", str(folder / "plan.json")]
    log_path = folder / "simulator.log"
    with log_path.open("wb") as log:
        simulator = subprocess.Popen(
            command, env=dict(stack.env), stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield simulator
    finally:
        if simulator.poll() is None:
            simulator.terminate()
        simulator.wait(timeout=60)
    log_text = log_path.read_text(errors="replace")
    assert simulator.returncode == 0, f"the simulator failed:\n{log_text[-3000:]}"


def run_started(folder: Path) -> datetime:
    """When the simulator's run began (its ``start_s``, from which a fault plan counts)."""
    stats = json.loads((folder / "stats.json").read_text())
    return datetime.fromisoformat(stats["started"].replace("Z", "+00:00"))
