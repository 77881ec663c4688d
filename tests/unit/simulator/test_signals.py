from datetime import UTC, datetime

import pytest

from iotsphere.simulator.device_types import DEVICE_TYPES
from iotsphere.simulator.signals import (
    DECIMALS,
    NOISE_CLIP,
    PEAK_HOUR_UTC,
    expected_metrics,
    make_profile,
    noise_sigma,
    sample_metrics,
    wear,
)

NOON = datetime(2026, 11, 26, 12, tzinfo=UTC).timestamp()
HOUR = 3600.0


def test_the_same_seed_and_time_give_the_same_readings():
    first = sample_metrics(make_profile(7, 3), int(NOON * 1000))
    again = sample_metrics(make_profile(7, 3), int(NOON * 1000))
    assert first == again
    assert sample_metrics(make_profile(8, 3), int(NOON * 1000)) != first
    assert sample_metrics(make_profile(7, 3), int(NOON * 1000) + 1) != first


def test_devices_of_a_fleet_vary_around_their_type():
    profiles = [make_profile(1, index) for index in range(200)]
    assert {p.device_type for p in profiles} == set(DEVICE_TYPES)
    assert len({p.temperature_c for p in profiles}) == 200


@pytest.mark.parametrize("index", range(8))
def test_noise_stays_within_its_clip_around_the_trend(index):
    profile = make_profile(3, index)
    for step in range(500):
        at_ms = int(NOON * 1000) + step * 997
        trend = expected_metrics(profile, at_ms / 1000)
        sample = sample_metrics(profile, at_ms)
        for name, value in trend.items():
            bound = NOISE_CLIP * noise_sigma(name, value) + 0.5 * 10 ** -DECIMALS[name]
            assert abs(sample[name] - value) <= bound, name


def test_noise_is_not_constant():
    profile = make_profile(3, 0)
    temperatures = {
        sample_metrics(profile, int(NOON * 1000) + ms)["temperature"] for ms in range(50)
    }
    assert len(temperatures) > 10


def test_the_daily_cycle_peaks_in_the_afternoon_and_bottoms_at_night():
    profile = make_profile(5, 0)
    midnight = datetime(2026, 11, 26, tzinfo=UTC).timestamp()
    peak_s = midnight + (PEAK_HOUR_UTC + profile.phase_h) * HOUR
    low_s = peak_s + 12 * HOUR
    swing = profile.device_type.daily_swing_c
    peak, low = expected_metrics(profile, peak_s), expected_metrics(profile, low_s)
    assert peak["temperature"] - low["temperature"] == pytest.approx(2 * swing)
    assert peak["current"] > low["current"]
    hourly = [expected_metrics(profile, peak_s + h * HOUR)["temperature"] for h in range(-12, 13)]
    assert max(hourly) == pytest.approx(peak["temperature"])
    assert expected_metrics(profile, peak_s + 24 * HOUR) == pytest.approx(peak)


def test_a_healthy_device_does_not_wear():
    profile = make_profile(5, 1)
    assert profile.failure_onset_s is None
    assert wear(profile, NOON) == wear(profile, NOON + 100 * HOUR) == 0.0


def test_a_failing_device_drifts_up_in_vibration_and_temperature():
    healthy = make_profile(5, 2)
    failing = make_profile(5, 2, failing_from_s=NOON, ramp_s=6 * HOUR)
    assert failing.failure_onset_s is not None
    assert failing.failure_onset_s <= NOON
    wears = [wear(failing, NOON + step * 600) for step in range(60)]
    assert wears == sorted(wears)
    assert wears[0] < wears[-1] == 1.0
    later = NOON + 24 * HOUR  # same time of day: the daily cycle cancels out
    for name in ("vibration", "temperature", "current"):
        assert expected_metrics(healthy, later)[name] == expected_metrics(healthy, NOON)[name]
        assert expected_metrics(failing, later)[name] > expected_metrics(failing, NOON)[name]
    vibration_at = expected_metrics(failing, later)["vibration"]
    assert vibration_at > 4 * expected_metrics(healthy, later)["vibration"]


def test_the_drift_shows_through_the_noise_over_hours():
    failing = make_profile(9, 0, failing_from_s=NOON, ramp_s=6 * HOUR)

    def mean_vibration(start_s: float) -> float:
        values = [
            sample_metrics(failing, int(start_s * 1000) + i * 1000)["vibration"] for i in range(60)
        ]
        return sum(values) / len(values)

    means = [mean_vibration(NOON + day * 24 * HOUR) for day in range(3)]
    # Days 1 and 2 are both past the 6-hour ramp: fully worn, equal up to the noise.
    assert means[0] < min(means[1], means[2])


def test_device_types_add_their_own_fields():
    kinds = {}
    for index in range(40):
        profile = make_profile(2, index)
        kinds[profile.device_type.name] = sample_metrics(profile, int(NOON * 1000))
    assert isinstance(kinds["cold-room"]["door_open"], bool)
    assert kinds["pump"]["mode"] in {"auto", "eco"}
    assert isinstance(kinds["compressor"]["rpm"], float)
    for metrics in kinds.values():
        for name in ("temperature", "vibration", "pressure", "current"):
            assert isinstance(metrics[name], float)
