"""The local stack: its services started, checked, provisioned and stopped as one.

``down`` stops exactly what this home's pid files name, so it never touches anything the stack
did not start; ``up`` leaves running services alone and provisioning changes nothing the second
time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from iotsphere.local.config import (
    DEFAULT_CONFIG,
    StackConfig,
    child_env,
    find_project_root,
    load_stack_config,
)
from iotsphere.local.first_admin import ensure_first_admin
from iotsphere.local.home import DEFAULT_HOME, StackHome
from iotsphere.local.infra_services import infra_services
from iotsphere.local.platform_services import platform_services
from iotsphere.local.provision import PROVISIONED, provision
from iotsphere.local.secrets import stack_secrets
from iotsphere.local.service_specs import SpecContext
from iotsphere.local.supervisor import Progress, Supervisor, quiet
from iotsphere.settings import Settings


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    state: str  # running | stopped | external
    pid: int | None
    url: str


class Stack(Supervisor):
    def __init__(
        self,
        config: StackConfig,
        config_path: str | Path = DEFAULT_CONFIG,
        home: str | Path = DEFAULT_HOME,
        project_root: Path | None = None,
    ) -> None:
        self.config = config
        self.config_path = Path(config_path).resolve()
        self.project_root = project_root or find_project_root(self.config_path)
        stack_home = StackHome.at(home)
        context = SpecContext(config, stack_home, self.config_path, self.project_root)
        infra, platform = infra_services(context), platform_services(context)
        self.infra = [spec.name for spec in infra]
        self.platform = [spec.name for spec in platform]
        self._secrets = stack_secrets(stack_home.root)
        env = child_env(config)
        env.update({Settings.env_name(name): value for name, value in self._secrets.items()})
        super().__init__(
            [*infra, *platform], stack_home, env, self.project_root, self.config_path.name
        )

    @classmethod
    def from_file(
        cls, config_path: str | Path = DEFAULT_CONFIG, home: str | Path = DEFAULT_HOME
    ) -> Stack:
        return cls(load_stack_config(config_path), config_path, home)

    @property
    def settings(self) -> Settings:
        """Where the stack's services are, and the key that signs its access tokens."""
        return Settings.from_env({**self.config.settings().to_env(), **self.env})

    def up(
        self, *, only_infra: bool = False, simulator: bool = True, progress: Progress = quiet
    ) -> list[str]:
        """Start what is not running, wait for health, provision; returns what was provisioned."""
        self.start_many(self.infra, progress)
        progress("provisioning queues, buckets, database and indexes")
        created = self.provision()
        created += ensure_first_admin(self.settings)
        if not only_infra:
            self.start_many([n for n in self.platform if simulator or n != "simulator"], progress)
        return created

    def provision(self, services: tuple[str, ...] = PROVISIONED) -> list[str]:
        return provision(self.config, self.project_root / "functions", services)

    def down(self, progress: Progress = quiet) -> list[str]:
        """Stop every service this home's pid files name, platform first; returns their names."""
        recorded = {path.stem for path in self.home.run.glob("*.pid")}
        order = [*self.platform, *reversed(self.infra)]
        names = sorted(recorded - set(order)) + [n for n in order if n in recorded]
        stopped = [name for name in names if self.stop(name)]
        for name in stopped:
            progress(f"stopped {name}")
        return stopped

    def status(self) -> list[ServiceStatus]:
        statuses = []
        for name, spec in self.specs.items():
            record = self.record(name)
            pid = None if record is None else record.pid
            statuses.append(ServiceStatus(name, "running" if pid else "stopped", pid, spec.url))
        if self.config.services.mongodb.url is not None:
            statuses.append(ServiceStatus("mongodb", "external", None, self.config.mongo_url))
        return statuses

    def start(self, name: str, progress: Progress = quiet) -> bool:
        """Start one service and wait until healthy; False if it was already running. A service
        that holds resources gets them again (LocalStack keeps none across restarts)."""
        started = bool(self.start_many([name], progress))
        if started and name in PROVISIONED:
            self.provision((name,))
        return started
