from datetime import timedelta

import pytest

from iotsphere.domain.firmware.errors import InvalidTransitionError
from iotsphere.domain.firmware.install import InstallAttempt, InstallState
from tests.unit.firmware.factories import NOW


def attempt() -> InstallAttempt:
    return InstallAttempt(release_id="rel-1", from_version="1.2.9", to_version="1.3.0")


def test_a_healthy_install_is_committed_and_runs_the_new_version():
    checking = attempt().installed(NOW)
    assert checking.state is InstallState.HEALTH_CHECKING
    assert checking.running_version == "1.2.9"
    done = checking.health_passed(NOW + timedelta(minutes=1))
    assert (done.state, done.running_version, done.finished) == (
        InstallState.COMMITTED,
        "1.3.0",
        True,
    )


def test_a_failed_health_check_rolls_back_to_the_old_version():
    done = attempt().installed(NOW).health_failed("no telemetry after boot")
    assert (done.state, done.running_version) == (InstallState.ROLLED_BACK, "1.2.9")
    assert done.reason == "health check failed: no telemetry after boot"


def test_a_failed_install_rolls_back():
    done = attempt().install_failed("flash write error")
    assert (done.state, done.running_version) == (InstallState.ROLLED_BACK, "1.2.9")


def test_a_health_check_that_never_passes_times_out_into_a_rollback():
    checking = attempt().installed(NOW, window=timedelta(minutes=5))
    assert checking.check_deadline(NOW + timedelta(minutes=5)) is checking
    assert checking.check_deadline(NOW + timedelta(minutes=6)).state is InstallState.ROLLED_BACK
    late = checking.health_passed(NOW + timedelta(minutes=6))
    assert late.state is InstallState.ROLLED_BACK


@pytest.mark.parametrize(
    "move",
    [
        lambda a: a.health_passed(NOW),
        lambda a: a.health_failed("x"),
        lambda a: a.installed(NOW).installed(NOW),
        lambda a: a.installed(NOW).health_passed(NOW).health_failed("x"),
        lambda a: a.install_failed("x").installed(NOW),
    ],
)
def test_moves_the_state_does_not_allow_are_refused(move):
    with pytest.raises(InvalidTransitionError):
        move(attempt())
