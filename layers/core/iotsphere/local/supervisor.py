"""Services as child processes recorded in pid files: start (checked), wait, stop, kill.

Each service runs in its own session with a pid file under ``<home>/run`` and its output in
``<home>/logs/<name>.log``. Only what a pid file names is ever signalled.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from iotsphere.local import health, processes
from iotsphere.local.errors import HealthCheckError, PortTakenError, StackError
from iotsphere.local.home import StackHome
from iotsphere.local.service_specs import ServiceSpec

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    return None


class Supervisor:
    def __init__(
        self,
        specs: Iterable[ServiceSpec],
        home: StackHome,
        env: Mapping[str, str],
        cwd: Path,
        config_name: str,
    ) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self.home = home
        self._env = dict(env)
        self._cwd = cwd
        self._config_name = config_name  # where the user changes a port
        self._children: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def env(self) -> Mapping[str, str]:
        """The environment every service starts with (before its own additions)."""
        return self._env

    def is_running(self, name: str) -> bool:
        return self.record(name) is not None

    def record(self, name: str) -> processes.PidRecord | None:
        child = self._children.get(name)
        if child is not None:
            child.poll()  # reaps it if it exited, so it does not linger as a zombie
        record = processes.read_pid(self.home.pid_file(name))
        return record if record is not None and processes.is_alive(record) else None

    def start_many(self, names: Iterable[str], progress: Progress = quiet) -> list[str]:
        """Start those of ``names`` not running and wait until all are healthy. Binaries and ports
        are checked before anything starts; if one fails, those started here are stopped."""
        specs = [self.spec(name) for name in names]
        fresh = [spec for spec in specs if not self.is_running(spec.name)]
        commands = {spec.name: spec.command() for spec in fresh}
        self._check_ports(fresh)
        self.home.create()
        offsets = {spec.name: self._launch(spec, commands[spec.name]) for spec in fresh}
        for spec in specs:
            if spec.name in offsets:
                progress(f"waiting for {spec.name}")
            elif spec.ready is None:
                continue  # found running, nothing to check
            problem = self._wait(spec)
            if problem is not None:
                log = self.home.log_file(spec.name)
                lines = processes.tail(log, 20, since=offsets.get(spec.name, 0))
                for name in offsets:
                    self.stop(name, timeout_s=5.0)
                raise HealthCheckError(f"{spec.name} {problem}; last lines of {log}:\n{lines}")
        return list(offsets)

    def stop(self, name: str, timeout_s: float = 10.0) -> bool:
        """SIGTERM the service's process group, SIGKILL after ``timeout_s``. False: not running."""
        record = self.record(name)
        if record is not None:
            processes.terminate(record, timeout_s, self._children.get(name))
        self._forget(name)
        return record is not None

    def kill(self, name: str) -> bool:
        """SIGKILL the service at once, as a crash would. False: it was not running."""
        record = self.record(name)
        if record is not None:
            processes.signal_group(record.pid, signal.SIGKILL)
            processes.wait_exit(record, 5.0, self._children.get(name))
        self._forget(name)
        return record is not None

    def spec(self, name: str) -> ServiceSpec:
        if name not in self.specs:
            raise StackError(f"no service {name!r} here (services: {', '.join(self.specs)})")
        return self.specs[name]

    def _wait(self, spec: ServiceSpec) -> str | None:
        timeout = spec.timeout_s if spec.ready else spec.settle_s
        return health.wait_healthy(spec.ready, lambda: self.is_running(spec.name), timeout)

    def _forget(self, name: str) -> None:
        self.home.pid_file(name).unlink(missing_ok=True)
        child = self._children.pop(name, None)
        if child is not None:
            child.poll()

    def _check_ports(self, specs: Iterable[ServiceSpec]) -> None:
        for spec in specs:
            for field, port in spec.ports.items():
                if processes.port_taken(port):
                    raise PortTakenError(
                        f"port {port} ({spec.name}) is already in use: change "
                        f"services.{spec.name}.{field} in {self._config_name}, or stop "
                        "what holds it (`./dev down` if it is an earlier stack)"
                    )

    def _launch(self, spec: ServiceSpec, argv: list[str]) -> int:
        """Start the service; returns the size its log had, where this run's output begins."""
        if spec.prepare is not None:
            spec.prepare()
        cwd = spec.cwd or self._cwd
        cwd.mkdir(parents=True, exist_ok=True)
        log = self.home.log_file(spec.name)
        offset = log.stat().st_size if log.exists() else 0
        self._children[spec.name] = processes.spawn(
            argv,
            env={**self._env, **spec.env},
            cwd=cwd,
            log=log,
            pid_file=self.home.pid_file(spec.name),
        )
        return offset
