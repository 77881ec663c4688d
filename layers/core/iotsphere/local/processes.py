"""Child processes by pid file: start in their own session, check, stop; ports; log tails."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ValidationError


class PidRecord(BaseModel):
    """What a pid file holds: the pid and the process's start time, so a reused pid is no match."""

    pid: int
    started: int | None  # clock ticks since boot (/proc/<pid>/stat field 22), None off Linux
    argv: list[str]


def _proc_stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces; everything after its ")" is space separated
    return text[text.rindex(")") + 2 :].split()


def start_ticks(pid: int) -> int | None:
    fields = _proc_stat(pid)
    return int(fields[19]) if fields else None


def is_alive(record: PidRecord) -> bool:
    fields = _proc_stat(record.pid)
    if fields is None:
        if Path("/proc/self/stat").exists():
            return False
        try:  # no /proc: the pid alone has to do
            os.kill(record.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    state, ticks = fields[0], int(fields[19])
    return state not in ("Z", "X") and (record.started is None or ticks == record.started)


def read_pid(file: Path) -> PidRecord | None:
    try:
        return PidRecord.model_validate_json(file.read_text())
    except (OSError, ValidationError):
        return None


def spawn(
    argv: list[str], *, env: Mapping[str, str], cwd: Path, log: Path, pid_file: Path
) -> subprocess.Popen[bytes]:
    """Start ``argv`` in a new session, output appended to ``log``, recorded in ``pid_file``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        child = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    record = PidRecord(pid=child.pid, started=start_ticks(child.pid), argv=argv)
    pid_file.write_text(record.model_dump_json())
    return child


def signal_group(pid: int, signum: int) -> None:
    """Signal the session the child leads (its own children too), or the pid if it leads none."""
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


def terminate(
    record: PidRecord, timeout_s: float = 10.0, child: subprocess.Popen[bytes] | None = None
) -> None:
    """SIGTERM the process group, SIGKILL it if still alive after ``timeout_s``."""
    if not is_alive(record):
        return
    signal_group(record.pid, signal.SIGTERM)
    if not wait_exit(record, timeout_s, child):
        signal_group(record.pid, signal.SIGKILL)
        wait_exit(record, 5.0, child)


def wait_exit(record: PidRecord, timeout_s: float, child: subprocess.Popen[bytes] | None) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if child is not None and child.poll() is not None:
            return True
        if child is None and not is_alive(record):
            return True
        time.sleep(0.05)
    return False


def port_taken(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something already listens on (or holds) ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        if probe.connect_ex((host, port)) == 0:
            return True
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno in (errno.EADDRINUSE, errno.EACCES)
    return False


def tail(file: Path, lines: int = 20, since: int = 0) -> str:
    """The last ``lines`` lines of ``file`` written after byte ``since``."""
    try:
        with file.open("rb") as log:
            end = log.seek(0, os.SEEK_END)
            log.seek(max(since, end - 64 * 1024))
            text = log.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
