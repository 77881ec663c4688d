"""The stack every benchmark runs on: tests/stack.yml's ports with its own home
(``.iotsphere/bench``), so a bench never touches the test suite's data. What a bench started it
stops again, also when it is interrupted or terminated (a killed bench used to leave its
MongoDB-wire server holding the test stack's port)."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from iotsphere.local.stack import Stack

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def bench_stack(
    platform: Sequence[str], keep: bool = False, home: str = "bench"
) -> Iterator[Stack]:
    """The infrastructure plus the ``platform`` processes (runner, bridge, api…); with ``keep``
    everything is left running for a look afterwards. ``home`` (under ``.iotsphere``) keeps a
    bench's data apart from the others' when what they leave behind would load it: the alerting
    bench's thousands of rule states make the minute's sweep a load on the telemetry bench."""
    stack = Stack.from_file(ROOT / "tests" / "stack.yml", ROOT / ".iotsphere" / home)
    os.environ.update({"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"})
    os.environ.setdefault("AWS_DEFAULT_REGION", stack.config.services.localstack.region)
    started_here = [name for name in stack.specs if not stack.is_running(name)]
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        stack.up(only_infra=True)
        for name in platform:
            stack.start(name)
        yield stack
    finally:
        signal.signal(signal.SIGTERM, previous)
        if not keep:
            for name in reversed(started_here):
                stack.stop(name)
