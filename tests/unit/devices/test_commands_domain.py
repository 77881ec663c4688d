from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.devices.commands import Command, CommandState
from iotsphere.domain.devices.errors import IllegalTransitionError

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
C = CommandState
FINAL = [C.SUCCEEDED, C.FAILED, C.REJECTED, C.TIMED_OUT, C.EXPIRED]
LEGAL = {
    (C.CREATED, C.SENT), (C.CREATED, C.EXPIRED),
    (C.SENT, C.DELIVERED), (C.SENT, C.REJECTED), (C.SENT, C.SUCCEEDED), (C.SENT, C.FAILED),
    (C.SENT, C.TIMED_OUT),
    (C.DELIVERED, C.SUCCEEDED), (C.DELIVERED, C.FAILED), (C.DELIVERED, C.TIMED_OUT),
}  # fmt: skip


def command(state=C.CREATED, ttl_s=60) -> Command:
    return Command(
        id="c0000001", org_id="org1", device_id="dev-0001", name="reboot",
        ttl_s=ttl_s, state=state, created_at=T0, updated_at=T0,
    )  # fmt: skip


@pytest.mark.parametrize("start", list(C))
@pytest.mark.parametrize("target", list(C))
def test_only_the_legal_moves_are_allowed(start, target):
    if (start, target) in LEGAL:
        assert command(start).move_to(target, T0).state is target
    else:
        with pytest.raises(IllegalTransitionError):
            command(start).move_to(target, T0)


@pytest.mark.parametrize("state", FINAL)
def test_final_states(state):
    assert state.is_final


def test_overdue_commands_expire_unsent_and_time_out_sent():
    late = T0 + timedelta(seconds=60)
    assert command(C.CREATED).when_overdue(late) is C.EXPIRED
    assert command(C.SENT).when_overdue(late) is C.TIMED_OUT
    assert command(C.DELIVERED).when_overdue(late) is C.TIMED_OUT
    assert command(C.SUCCEEDED).when_overdue(late) is None
    assert command(C.CREATED).when_overdue(late - timedelta(seconds=1)) is None


def test_a_result_is_kept_through_later_moves():
    done = command(C.SENT).move_to(C.DELIVERED, T0).move_to(C.SUCCEEDED, T0, result={"ok": 1})
    assert done.result == {"ok": 1}
