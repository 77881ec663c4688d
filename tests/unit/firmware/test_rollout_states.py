from datetime import timedelta

import pytest

from iotsphere.domain.firmware.errors import InvalidTransitionError
from iotsphere.domain.firmware.progress import ProgressState, may_move_from
from iotsphere.domain.firmware.rollout import (
    GateVerdict,
    HealthGate,
    Rollout,
    RolloutState,
    RolloutTarget,
    judge_wave,
)
from iotsphere.domain.firmware.waves import WavePlan
from tests.unit.firmware.factories import NOW

P = ProgressState
GATE = HealthGate(
    max_failure_rate=0.1, min_success_count=2, min_success_rate=0.5, soak_time=timedelta(minutes=10)
)
LATER = NOW + timedelta(minutes=10)


def rollout(**changes) -> Rollout:
    fields = {
        "rollout_id": "ro-1",
        "org_id": "acme",
        "release_id": "rel-1",
        "firmware_family": "pump-v2",
        "target": RolloutTarget(groups=["north"]),
        "plan": WavePlan.default(),
        "gate": GATE,
        "wave_ends": [2, 20, 100, 200],
        "wave_started_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Rollout(**{**fields, **changes})


def test_a_wave_passes_after_its_soak_with_enough_healthy_devices():
    counts = {P.HEALTHY: 10, P.OFFERED: 10}
    assert judge_wave(GATE, 20, counts, NOW, LATER)[0] is GateVerdict.ADVANCE
    assert judge_wave(GATE, 20, counts, NOW, LATER - timedelta(seconds=1))[0] is GateVerdict.WAIT
    assert judge_wave(GATE, 20, {P.HEALTHY: 9}, NOW, LATER)[0] is GateVerdict.WAIT


def test_a_wave_breaches_as_soon_as_failures_pass_the_rate_even_while_soaking():
    verdict, reason = judge_wave(GATE, 20, {P.FAILED: 2, P.ROLLED_BACK: 1}, NOW, NOW)
    assert verdict is GateVerdict.BREACH
    assert reason == "3 of 20 devices failed (15.0%); the gate allows 10.0%"
    assert judge_wave(GATE, 20, {P.FAILED: 2, P.HEALTHY: 18}, NOW, LATER)[0] is GateVerdict.ADVANCE


def test_a_waived_wave_passes_after_its_soak_whatever_failed():
    counts = {P.FAILED: 20}
    assert judge_wave(GATE, 20, counts, NOW, LATER, waived=True)[0] is GateVerdict.ADVANCE


def test_successes_needed_never_exceed_the_wave():
    assert HealthGate(min_success_count=5).successes_needed(2) == 2
    assert HealthGate(min_success_count=1, min_success_rate=0.9).successes_needed(100) == 90


def test_pause_resume_cancel():
    paused = rollout().pause(LATER)
    assert (paused.state, paused.revision, paused.updated_at) == (RolloutState.PAUSED, 1, LATER)
    resumed = paused.resume(LATER)
    assert (resumed.state, resumed.waived_wave) == (RolloutState.RUNNING, None)
    assert resumed.cancel(LATER).state is RolloutState.CANCELLED
    with pytest.raises(InvalidTransitionError, match="cannot resume a rollout that is cancelled"):
        resumed.cancel(LATER).resume(LATER)
    with pytest.raises(InvalidTransitionError):
        paused.pause(LATER)


def test_a_breach_halts_and_resuming_waives_that_wave_only():
    halted = rollout(wave=1).breach(LATER, "3 of 18 failed")
    assert (halted.state, halted.reason) == (RolloutState.HALTED, "wave 2: 3 of 18 failed")
    resumed = halted.resume(LATER)
    assert resumed.waived_wave == 1
    assert resumed.next_wave(LATER).wave == 2


def test_a_gate_that_cancels_on_breach():
    gate = GATE.model_copy(update={"on_breach": "cancel"})
    assert rollout(gate=gate).breach(LATER, "x").state is RolloutState.CANCELLED


def test_the_last_wave_passing_completes_the_rollout():
    last = rollout(wave=3)
    assert last.next_wave(LATER).state is RolloutState.COMPLETED
    assert rollout().next_wave(LATER).wave_started_at == LATER


def test_progress_only_moves_forward():
    assert may_move_from(P.OFFERED) == {P.PENDING}
    assert may_move_from(P.DOWNLOADING) == {P.OFFERED}
    assert may_move_from(P.HEALTHY) == {P.OFFERED, P.DOWNLOADING, P.INSTALLED}
    assert P.HEALTHY not in may_move_from(P.FAILED)
