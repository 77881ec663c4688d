"""The stack's folder (``.iotsphere`` by default, git-ignored): configs, pid files, logs, data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = ".iotsphere"


@dataclass(frozen=True)
class StackHome:
    root: Path

    @classmethod
    def at(cls, path: str | Path) -> StackHome:
        return cls(Path(path).resolve())

    @property
    def etc(self) -> Path:
        """Generated service configs (mosquitto.conf, acl, passwd, influxdb.conf)."""
        return self.root / "etc"

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def secrets(self) -> Path:
        return self.root / "secrets.json"

    def pid_file(self, service: str) -> Path:
        return self.run / f"{service}.pid"

    def log_file(self, service: str) -> Path:
        return self.logs / f"{service}.log"

    def data_dir(self, service: str) -> Path:
        return self.data / service

    def create(self) -> None:
        for folder in (self.etc, self.run, self.logs, self.data):
            folder.mkdir(parents=True, exist_ok=True)
