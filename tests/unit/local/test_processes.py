"""Pid files, stopping process groups, port detection and log tails."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from iotsphere.local import processes

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
STUBBORN = [
    sys.executable,
    "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True);"
    " time.sleep(60)",
]


@pytest.fixture
def started(tmp_path: Path):
    children: list[subprocess.Popen[bytes]] = []

    def start(argv: list[str]) -> tuple[processes.PidRecord, subprocess.Popen[bytes]]:
        child = processes.spawn(
            argv, env={}, cwd=tmp_path, log=tmp_path / "x.log", pid_file=tmp_path / "x.pid"
        )
        children.append(child)
        record = processes.read_pid(tmp_path / "x.pid")
        assert record is not None
        return record, child

    yield start
    for child in children:
        child.kill()
        child.wait()


def test_a_started_process_is_recorded_and_alive_until_terminated(started):
    record, child = started(SLEEPER)
    assert record.pid == child.pid
    assert processes.is_alive(record)
    processes.terminate(record, timeout_s=5, child=child)
    assert child.returncode is not None
    assert not processes.is_alive(record)


def test_a_process_that_ignores_sigterm_is_killed_after_the_timeout(started, tmp_path: Path):
    record, child = started(STUBBORN)
    while "up" not in (tmp_path / "x.log").read_text():
        pass
    processes.terminate(record, timeout_s=0.5, child=child)
    assert child.returncode == -9


def test_a_pid_now_used_by_another_process_is_not_ours(started):
    record, _ = started(SLEEPER)
    reused = record.model_copy(update={"started": (record.started or 0) + 1})
    assert not processes.is_alive(reused)


def test_a_missing_or_broken_pid_file_reads_as_none(tmp_path: Path):
    assert processes.read_pid(tmp_path / "none.pid") is None
    (tmp_path / "bad.pid").write_text("12 34")
    assert processes.read_pid(tmp_path / "bad.pid") is None


def test_a_listening_port_is_taken_and_a_closed_one_is_free():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert processes.port_taken(port)
    assert not processes.port_taken(port)


def test_a_port_held_on_all_interfaces_is_taken_on_loopback_too():
    with socket.socket() as server:
        server.bind(("0.0.0.0", 0))
        server.listen()
        assert processes.port_taken(server.getsockname()[1])


def test_tail_gives_the_last_lines_written_since_an_offset(tmp_path: Path):
    log = tmp_path / "a.log"
    log.write_text("old 1\nold 2\n")
    offset = log.stat().st_size
    with log.open("a") as out:
        out.writelines(f"new {i}\n" for i in range(30))
    assert processes.tail(log, 3, since=offset) == "new 27\nnew 28\nnew 29"
    log.write_text("only\n")
    assert processes.tail(log, 20, since=0) == "only"
    assert processes.tail(tmp_path / "missing.log") == ""
