import random

import pytest

from iotsphere.simulator.errors import FaultSpecError
from iotsphere.simulator.faults import DeviceFaults, FaultKind, FaultPlan, spike_value
from iotsphere.simulator.malformed import MalformedKind

METRICS = {
    "temperature": 21.5,
    "vibration": 0.8,
    "pressure": 101.3,
    "current": 4.0,
    "door_open": False,
}


def only(kind: FaultKind, rate: float = 1.0, **lengths) -> DeviceFaults:
    return DeviceFaults(FaultPlan({kind: rate}, **lengths), random.Random(4))


def test_a_spec_names_kinds_and_optional_rates():
    plan = FaultPlan.parse("spike, stuck=0.2,dropout=0,malformed", 0.01)
    assert plan.rates == {FaultKind.SPIKE: 0.01, FaultKind.STUCK: 0.2, FaultKind.MALFORMED: 0.01}
    assert FaultPlan.parse("spike,stuck", 0.0).rates == {}
    assert FaultPlan.parse("", 0.5).rates == {}


@pytest.mark.parametrize("spec", ["flood", "spike=2", "spike=-0.1", "spike=nan", "spike=x"])
def test_a_bad_spec_says_what_is_wrong(spec):
    with pytest.raises(FaultSpecError, match="fault"):
        FaultPlan.parse(spec, 0.1)


def test_no_faults_leave_the_reading_as_measured():
    faults = DeviceFaults(FaultPlan(), random.Random(1))
    outcome = faults.apply(dict(METRICS))
    assert outcome.metrics == METRICS
    assert outcome.malformed is None
    assert outcome.started == ()


def test_a_spike_is_one_extreme_value():
    faults = only(FaultKind.SPIKE)
    for _ in range(50):
        outcome = faults.apply(dict(METRICS))
        assert outcome.started == (FaultKind.SPIKE,)
        assert outcome.metrics is not None
        changed = {n for n, v in outcome.metrics.items() if v != METRICS[n]}
        assert len(changed) == 1
        (name,) = changed
        assert abs(outcome.metrics[name] - METRICS[name]) >= 5 * max(abs(METRICS[name]), 10) - 0.01


def test_spikes_keep_their_sign():
    rng = random.Random(2)
    assert spike_value(-30.0, rng) < -30.0 * 6
    assert spike_value(0.5, rng) >= 50.5


def test_a_stuck_sensor_repeats_one_value_for_its_run_then_recovers():
    faults = only(FaultKind.STUCK, rate=1.0, stuck_readings=(5, 5))
    readings = []
    for step in range(5):
        measured = {n: v + step if isinstance(v, float) else v for n, v in METRICS.items()}
        readings.append(faults.apply(measured).metrics)
    stuck = [
        n for n in METRICS if isinstance(METRICS[n], float) and len({r[n] for r in readings}) == 1
    ]
    assert len(stuck) == 1
    faults = only(FaultKind.STUCK, rate=0.0)
    assert faults.apply({"temperature": 30.0}).metrics == {"temperature": 30.0}


def test_a_stuck_run_ends():
    plan = FaultPlan({FaultKind.STUCK: 1.0}, stuck_readings=(3, 3))
    faults = DeviceFaults(plan, random.Random(1))
    starts = [faults.apply(dict(METRICS)).started for _ in range(9)]
    assert starts == [(FaultKind.STUCK,), (), ()] * 3


def test_a_dropout_silences_the_device_for_its_run():
    faults = only(FaultKind.DROPOUT, rate=1.0, dropout_readings=(4, 4))
    outcomes = [faults.apply(dict(METRICS)) for _ in range(8)]
    assert all(outcome.metrics is None for outcome in outcomes)
    assert [o.started for o in outcomes] == [(FaultKind.DROPOUT,), (), (), ()] * 2


def test_malformed_picks_every_kind_over_time():
    faults = only(FaultKind.MALFORMED)
    kinds = {faults.apply(dict(METRICS)).malformed for _ in range(200)}
    assert kinds == set(MalformedKind)


def test_the_same_seed_gives_the_same_faults():
    plan = FaultPlan.parse("spike,stuck,dropout,malformed", 0.1)

    def run(seed: int) -> list:
        faults = DeviceFaults(plan, random.Random(seed))
        return [faults.apply(dict(METRICS)) for _ in range(300)]

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_a_rate_is_a_probability_per_reading():
    faults = only(FaultKind.SPIKE, rate=0.1)
    spikes = sum(bool(faults.apply(dict(METRICS)).started) for _ in range(5000))
    assert 400 < spikes < 600
