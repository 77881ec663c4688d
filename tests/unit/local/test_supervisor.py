"""Starting and stopping services by pid file, with stand-in programs instead of real services."""

import os
import socket
import sys
from pathlib import Path

import pytest

from iotsphere.local.errors import BinaryMissingError, HealthCheckError, PortTakenError, StackError
from iotsphere.local.home import StackHome
from iotsphere.local.service_specs import ServiceSpec, find_binary
from iotsphere.local.supervisor import Supervisor

SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]
CRASH = [sys.executable, "-c", "import sys; print('config line 3: no such option'); sys.exit(3)"]


def spec(name: str, argv: list[str], **extra) -> ServiceSpec:
    return ServiceSpec(name=name, command=lambda: argv, ports={}, url="", settle_s=0.3, **extra)


@pytest.fixture
def supervise(tmp_path: Path):
    made: list[Supervisor] = []

    def make(*specs: ServiceSpec) -> Supervisor:
        supervisor = Supervisor(specs, StackHome.at(tmp_path), dict(os.environ), tmp_path, "x.yml")
        made.append(supervisor)
        return supervisor

    yield make
    for supervisor in made:
        for name in supervisor.specs:
            supervisor.stop(name, timeout_s=1)


def test_a_service_starts_once_and_stops_by_its_pid_file(supervise, tmp_path: Path):
    services = supervise(spec("a", SLEEP))
    assert services.start_many(["a"]) == ["a"]
    assert services.is_running("a")
    assert (tmp_path / "run" / "a.pid").is_file()
    assert services.start_many(["a"]) == []  # already running: left alone
    assert services.stop("a")
    assert not services.is_running("a")
    assert not (tmp_path / "run" / "a.pid").exists()
    assert not services.stop("a")


def test_another_supervisor_on_the_same_home_sees_and_stops_it(supervise):
    supervise(spec("a", SLEEP)).start_many(["a"])
    other = supervise(spec("a", SLEEP))
    assert other.is_running("a")
    assert other.stop("a")


def test_kill_ends_it_at_once(supervise):
    services = supervise(spec("a", SLEEP))
    services.start_many(["a"])
    assert services.kill("a")
    assert not services.is_running("a")


def test_a_service_that_exits_early_fails_with_its_last_log_lines(supervise):
    services = supervise(spec("a", SLEEP), spec("b", CRASH))
    with pytest.raises(HealthCheckError, match=r"(?s)b exited.*config line 3: no such option"):
        services.start_many(["a", "b"])
    assert not services.is_running("a")  # what this call started is stopped again


def test_a_service_never_healthy_fails_after_its_timeout(supervise):
    services = supervise(spec("a", SLEEP, ready=lambda: False, timeout_s=0.5))
    with pytest.raises(HealthCheckError, match="a was not healthy after"):
        services.start_many(["a"])
    assert not services.is_running("a")


def test_a_taken_port_is_named_before_anything_starts(supervise):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        free = spec("a", SLEEP)
        busy = ServiceSpec(name="influxdb", command=lambda: SLEEP, ports={"port": port}, url="")
        services = supervise(free, busy)
        with pytest.raises(PortTakenError, match=f"port {port} \\(influxdb\\).*services.influxdb"):
            services.start_many(["a", "influxdb"])
        assert not services.is_running("a")


def test_a_missing_program_says_to_run_setup(supervise):
    def missing() -> list[str]:
        return [find_binary("no-such-program-here")]

    services = supervise(spec("a", SLEEP), ServiceSpec(name="b", command=missing, ports={}, url=""))
    with pytest.raises(BinaryMissingError, match=r"infra/setup\.sh"):
        services.start_many(["a", "b"])
    assert not services.is_running("a")


def test_an_unknown_service_is_named_with_the_known_ones(supervise):
    with pytest.raises(StackError, match=r"no service 'x'.*services: a"):
        supervise(spec("a", SLEEP)).start_many(["x"])
