"""What a process of the local stack is: its command, ports, health check, config files."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from iotsphere.local.config import StackConfig
from iotsphere.local.errors import BinaryMissingError
from iotsphere.local.home import StackHome

INFRA = ("mosquitto", "influxdb", "mongodb", "localstack", "mail")
PLATFORM = ("runner", "bridge", "api", "simulator")
SETUP_HINT = "run `bash infra/setup.sh` (or `./dev setup`)"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    command: Callable[[], list[str]]  # resolved at start, so status/down work without binaries
    ports: dict[str, int]
    url: str
    ready: Callable[[], bool] | None = None  # None: healthy if still running after settle_s
    timeout_s: float = 60.0
    settle_s: float = 3.0
    cwd: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[], None] | None = None  # writes its config files and folders


def find_binary(name: str, *fallbacks: str) -> str:
    for candidate in (shutil.which(name), *fallbacks):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    raise BinaryMissingError(f"{name} is not installed: {SETUP_HINT}")


def venv_binary(name: str) -> str:
    """A program of the project venv (the one this Python runs in)."""
    path = Path(sys.executable).parent / name
    if not path.is_file():
        raise BinaryMissingError(f"{path} is missing: {SETUP_HINT}")
    return str(path)


@dataclass(frozen=True)
class SpecContext:
    config: StackConfig
    home: StackHome
    config_path: Path
    project_root: Path

    def iotsphere(self, command: str, *extra: str) -> list[str]:
        return [
            venv_binary("iotsphere"),
            command,
            "--config",
            str(self.config_path),
            "--home",
            str(self.home.root),
            *extra,
        ]
