"""``iotsphere runner``: the local stand-in for Lambda's event source mappings and schedules.

For every queue trigger in samplelocal.yml it keeps ``concurrency`` worker processes polling
(``iotsphere.local.worker``), restarting one that dies as Lambda would start a new container; for
every schedule the app declares one worker that stays warm and fires at each tick (a cold start per
tick cost seconds of CPU a minute, which showed in the telemetry tail).
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from iotsphere.local.config import (
    DEFAULT_CONFIG,
    StackConfig,
    child_env,
    find_project_root,
    load_stack_config,
)
from iotsphere.local.functions_app import FunctionTarget, resolve_targets
from iotsphere.local.schedule import interval_seconds
from iotsphere.local.worker import _log


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="stack file (samplelocal.yml)")
    parser.add_argument("--home", default=".iotsphere", help="the stack's folder")


def functions_dir_of(config_path: str | Path) -> Path:
    """The Chalice project of the stack: ``functions/`` of the project holding the config."""
    return find_project_root(Path(config_path).resolve()) / "functions"


def worker_command(target: FunctionTarget, functions_dir: Path, scheduled: bool) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "iotsphere.local.worker",
        "--functions-dir",
        str(functions_dir),
        "--handler",
        target.handler_string,
        "--name",
        target.name,
        "--timeout",
        str(target.timeout_s),
    ]
    if scheduled:
        assert target.schedule is not None
        return [*command, "--scheduled", "--every", str(interval_seconds(target.schedule))]
    return [*command, "--queue", str(target.queue), "--batch-size", str(target.batch_size)]


class Runner:
    def __init__(self, config: StackConfig, functions_dir: Path) -> None:
        self.config = config
        self.functions_dir = functions_dir
        self.env = child_env(config)
        self.targets = resolve_targets(config, functions_dir)
        self.stop = threading.Event()
        self._workers: dict[tuple[str, int], subprocess.Popen[bytes]] = {}

    def _start_worker(self, target: FunctionTarget, slot: int) -> None:
        command = worker_command(target, self.functions_dir, scheduled=not target.queue)
        self._workers[(target.key, slot)] = subprocess.Popen(command, env=self.env)

    def _slots(self, target: FunctionTarget) -> int:
        return target.concurrency if target.queue else 1

    def _supervise(self) -> None:
        """Start every queue worker and one warm worker per schedule, and start again any that
        exits while we run."""
        for target in self.targets:
            for slot in range(self._slots(target)):
                self._start_worker(target, slot)
        while not self.stop.wait(1.0):
            for target in self.targets:
                for slot in range(self._slots(target)):
                    code = self._workers[(target.key, slot)].poll()
                    if code is not None:
                        _log(
                            level="ERROR", function=target.name, message="worker exited", code=code
                        )
                        self._start_worker(target, slot)

    def run(self) -> None:
        _log(level="INFO", message="runner started", functions=[t.name for t in self.targets])
        try:
            self._supervise()
        finally:
            for process in self._workers.values():
                process.terminate()
            deadline = time.monotonic() + 10
            for process in self._workers.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()


def run(args: argparse.Namespace) -> int:
    config = load_stack_config(args.config)
    runner = Runner(config, functions_dir_of(args.config))
    signal.signal(signal.SIGTERM, lambda *_: runner.stop.set())
    signal.signal(signal.SIGINT, lambda *_: runner.stop.set())
    runner.run()
    return 0
