"""Running browser flows (``frontend/e2e/flows/<name>.mjs``) from pytest: the build they need,
the process with its inputs and deadline, the signals a flow and its test exchange, and what the
flow observed."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from iotsphere.local.health import tcp_ready
from iotsphere.local.processes import port_taken
from iotsphere.services.identity.ports import IdentityPorts
from tests.e2e.api.client import ApiClient, Organization
from tests.e2e.organizations import PASSWORD, new_organization
from tests.e2e.web.devices import new_device_type

ROOT = Path(__file__).resolve().parents[3]
FRONTEND = ROOT / "frontend"
FLOWS = FRONTEND / "e2e" / "flows"
INDEX = FRONTEND / "dist" / "iotsphere-web" / "browser" / "index.html"
BUILD_SOURCES = ("src", "public", "angular.json", "package-lock.json")  # as infra/build-web.sh
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BUILD_LOCK = Path("/tmp/iotsphere-web-build.lock")


def newer_sources(index: Path = INDEX) -> list[Path]:
    """Source files changed since the build (all of them when there is no build)."""
    built = index.stat().st_mtime if index.exists() else 0.0
    found = []
    for name in BUILD_SOURCES:
        top = FRONTEND / name
        paths = [top] if top.is_file() else [p for p in top.rglob("*") if p.is_file()]
        found += [p for p in paths if p.stat().st_mtime > built]
    return found


def ensure_browser() -> str:
    """Node, the packages and Chromium: fails (never skips) naming what is missing; returns
    node's path."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: infra/setup.sh installs it")
    if not (FRONTEND / "node_modules" / "playwright-core").is_dir():
        pytest.fail("frontend/node_modules is missing: `npm ci` in frontend/ (infra/setup.sh does)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (infra/setup.sh does)")
    return node


def web_root() -> Path:
    """The build to serve: E2E_WEB_ROOT when set (a build made elsewhere, used as it is), else
    frontend/dist, built first when missing or older than its sources; a failed build fails."""
    chosen = os.environ.get("E2E_WEB_ROOT")
    if chosen:
        if not (Path(chosen) / "index.html").is_file():
            pytest.fail(f"E2E_WEB_ROOT={chosen} holds no index.html")
        return Path(chosen)
    BUILD_LOCK.touch(exist_ok=True)
    with BUILD_LOCK.open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if newer_sources():
            built = subprocess.run(
                [shutil.which("npm") or "npm", "run", "-s", "build"],
                cwd=FRONTEND,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            if built.returncode != 0 or not INDEX.exists():
                pytest.fail(f"the web app does not build:\n{(built.stdout + built.stderr)[-4000:]}")
    return INDEX.parent


@contextmanager
def serving(node: str, root: Path, api_url: str, port: int, log: Path) -> Iterator[str]:
    """``serve.mjs`` serving ``root`` on ``port`` with /v1 forwarded to ``api_url``."""
    if port_taken(port):
        pytest.fail(f"port {port} (the test stack's web app) is already in use")
    command = [node, str(FRONTEND / "scripts" / "serve.mjs"), "--api", api_url]
    command += ["--port", str(port), "--root", str(root)]
    with log.open("w") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not tcp_ready(port):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve.mjs did not listen on {port}:\n{log.read_text()}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass
class FlowResult:
    name: str
    returncode: int
    output: str
    observations: dict[str, Any]

    @property
    def facts(self) -> dict[str, Any]:
        return dict(self.observations.get("facts", {}))

    def assert_clean(self) -> None:
        """The flow finished, and the page logged no error and lost no request on the way."""
        seen = self.observations
        failure = f"flow {self.name} failed: {seen.get('error')}\n{self.output[-3000:]}"
        assert self.returncode == 0, failure
        assert seen.get("ok"), failure
        assert seen["console_errors"] == [], seen["console_errors"]
        assert seen["failed_requests"] == [], seen["failed_requests"]
        assert seen["error_responses"] == [], seen["error_responses"]


class FlowRun:
    """A flow running in its own process; ``wait_for`` and ``send`` exchange signals with it."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], workdir: Path,
                 deadline_s: float) -> None:  # fmt: skip
        self.name = name
        self.out = workdir / "observations.json"
        self.signals = workdir / "signals"
        self.signals.mkdir()
        self.log_path = workdir / "output.txt"
        env = {**env, "E2E_OUT": str(self.out), "E2E_SIGNALS": str(self.signals)}
        self.deadline_s = deadline_s
        self.deadline = time.monotonic() + deadline_s
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=FRONTEND, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, name: str) -> dict[str, Any]:
        """The flow's signal ``name`` (its data), waiting until the flow's deadline."""
        path = self.signals / f"{name}.json"
        while not path.exists():
            if self.process.poll() is not None:
                pytest.fail(f"flow {self.name} ended before signalling {name}:\n{self.output()}")
            if time.monotonic() > self.deadline:
                self._kill()
                pytest.fail(f"flow {self.name} sent no {name} within {self.deadline_s} s")
            time.sleep(0.1)
        return dict(json.loads(path.read_text()))

    def send(self, name: str, **data: Any) -> None:
        partial = self.signals / f"{name}.json.tmp"
        partial.write_text(json.dumps(data))
        partial.rename(self.signals / f"{name}.json")

    def finish(self) -> FlowResult:
        try:
            self.process.wait(timeout=max(0.0, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self._kill()
            late = f"flow {self.name} did not finish within {self.deadline_s} s"
            pytest.fail(f"{late}:\n{self.output()}")
        seen = json.loads(self.out.read_text()) if self.out.exists() else {}
        return FlowResult(self.name, self.process.returncode, self.output(), seen)

    def _kill(self) -> None:
        """The flow's process group: node and the Chromium it launched."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@dataclass
class FlowRunner:
    """Starts flows against the web app with the organization's credentials as inputs."""

    node: str
    base_url: str
    screenshots: Path
    workdir: Callable[[str], Path]
    inputs: dict[str, str] = field(default_factory=dict)
    before_each: Callable[[], None] = lambda: None

    def for_org(self, org: WebOrganization) -> FlowRunner:
        """The same runner signing in to another organization."""
        return replace(self, inputs=org.inputs())

    def start(self, name: str, deadline_s: float = 120, **inputs: object) -> FlowRun:
        script = FLOWS / f"{name}.mjs"
        assert script.is_file(), f"no flow {script}"
        self.before_each()
        given = {**self.inputs, **{key: str(value) for key, value in inputs.items()}}
        env = {
            **os.environ,
            "E2E_BASE_URL": self.base_url,
            "SCREENSHOT_DIR": str(self.screenshots),
            "CHROMIUM": CHROMIUM,
            **{f"E2E_{key.upper()}": value for key, value in given.items()},
        }
        return FlowRun(name, [self.node, str(script)], env, self.workdir(name), deadline_s)

    def run(self, name: str, deadline_s: float = 120, **inputs: object) -> FlowResult:
        return self.start(name, deadline_s, **inputs).finish()

    @contextmanager
    def running(self, name: str, deadline_s: float = 120, **inputs: object) -> Iterator[FlowRun]:
        """A flow the test talks to while it runs; stopped if the test fails before it ends."""
        run = self.start(name, deadline_s, **inputs)
        try:
            yield run
        finally:
            run._kill()


@dataclass(frozen=True)
class WebOrganization:
    """The organization the flows sign in to: clients and e-mail addresses per role."""

    org: Organization
    emails: dict[str, str]
    passwords: dict[str, str]
    device_type: str

    def inputs(self) -> dict[str, str]:
        """Every flow gets these: ADMIN_EMAIL, ADMIN_PASSWORD, OPERATOR_…, VIEWER_…."""
        given = {}
        for role, email in self.emails.items():
            given[f"{role}_email"] = email
            given[f"{role}_password"] = self.passwords[role]
        return given


def web_organization(
    identity: IdentityPorts,
    api: ApiClient,
    name: str,
) -> WebOrganization:
    """A new organization with its three users' e-mail addresses and passwords, and a type."""
    org = new_organization(identity, api, name)
    emails = {"admin": org.admin_email}
    for role in ("operator", "viewer"):
        me = getattr(org, role).get("/v1/me")
        assert me.status_code == 200, me.text
        emails[role] = me.json()["email"]
    passwords = {"admin": org.admin_password, "operator": PASSWORD, "viewer": PASSWORD}
    return WebOrganization(org, emails, passwords, new_device_type(org.operator))
