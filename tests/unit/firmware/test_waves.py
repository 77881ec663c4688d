import pytest
from pydantic import ValidationError

from iotsphere.domain.firmware.waves import WavePlan, assign_waves, order_devices, wave_ends


@pytest.mark.parametrize(
    ("total", "plan", "ends"),
    [
        (200, WavePlan.default(), [2, 20, 100, 200]),
        (1000, WavePlan.default(), [10, 100, 500, 1000]),
        (3, WavePlan.default(), [1, 2, 3]),
        (1, WavePlan.default(), [1]),
        (0, WavePlan.default(), []),
        (10, WavePlan(sizes=[1, 4]), [1, 5, 10]),
        (4, WavePlan(sizes=[1, 5]), [1, 4]),
        (5, WavePlan(sizes=[2, 3]), [2, 5]),
        (7, WavePlan(percents=[100]), [7]),
    ],
)
def test_wave_ends_grow_by_at_least_one_and_reach_every_target(total, plan, ends):
    assert wave_ends(total, plan) == ends


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"percents": [10, 100], "sizes": [1]},
        {"percents": [10, 5, 100]},
        {"percents": [10, 50]},
        {"sizes": [0, 3]},
        {"percents": [-1, 100]},
    ],
)
def test_a_plan_breaking_a_rule_is_refused(fields):
    with pytest.raises(ValidationError):
        WavePlan(**fields)


def test_the_order_depends_on_the_rollout_not_on_how_targets_were_listed():
    devices = [f"pump-{i:03}" for i in range(50)]
    assert order_devices("ro-1", devices) == order_devices("ro-1", reversed(devices))
    assert order_devices("ro-1", devices) != order_devices("ro-2", devices)
    assert order_devices("ro-1", devices + devices[:5]) == order_devices("ro-1", devices)


def test_every_device_gets_exactly_one_wave_of_the_planned_size():
    devices = [f"d{i}" for i in range(200)]
    waves = assign_waves("ro-1", devices, [2, 20, 100, 200])
    assert sorted(waves) == sorted(devices)
    sizes = [sum(1 for w in waves.values() if w == index) for index in range(4)]
    assert sizes == [2, 18, 80, 100]
