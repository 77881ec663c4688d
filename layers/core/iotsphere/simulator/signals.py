"""The physics: what a device's sensors read at a given time. Pure: no I/O, no hidden state.

A reading is a deterministic trend (the device's own operating point, a daily cycle, wear drifting
toward failure) plus Gaussian sensor noise cut at ``NOISE_CLIP`` sigma. The noise is a pure
function of the device's noise seed and the millisecond (``seeded_noise``), so the same profile and
time give the same values in every run.

Planned sensor faults (``SensorFault``, from ``--fault-plan``) are part of the physics too: a
function of the time alone, so a planned spike, drift, stuck sensor or dropout is the same in
every run.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from enum import StrEnum

from iotsphere.simulator.device_types import DEVICE_TYPES, DeviceType
from iotsphere.simulator.seeded_noise import standard_normals, uniform

Metrics = dict[str, float | bool | str]

SECONDS_PER_DAY = 86_400
PEAK_HOUR_UTC = 15.0  # the afternoon peak of the daily cycle, before the device's own phase
NOISE_CLIP = 4.0
DOOR_OPEN_SHARE = 0.05  # a cold room's door is open during about one minute in twenty
# Noise sigma per metric: absolute for temperature and humidity, else relative to the trend.
ABSOLUTE_SIGMA = {"temperature": 0.1, "humidity": 0.8}
RELATIVE_SIGMA = {"vibration": 0.04, "pressure": 0.001, "current": 0.015, "rpm": 0.003}
DECIMALS = {"temperature": 2, "vibration": 3, "pressure": 2, "current": 2, "humidity": 1, "rpm": 0}


class SensorFaultKind(StrEnum):
    SPIKE = "spike"  # the metric reads ``size`` more
    DRIFT = "drift"  # the metric reads ``size`` more per minute since the fault began
    STUCK = "stuck"  # the metric repeats what it read when the fault began
    DROPOUT = "dropout"  # the device measures (and so sends) nothing


@dataclass(frozen=True)
class SensorFault:
    """A planned fault of one metric (of the whole device for a dropout) in ``[start_ms, end_ms)``;
    afterwards the sensor reads true again."""

    kind: SensorFaultKind
    metric: str
    start_ms: int
    end_ms: int
    size: float = 0.0

    def active(self, at_ms: int) -> bool:
        return self.start_ms <= at_ms < self.end_ms


@dataclass(frozen=True)
class DeviceProfile:
    """One device's operating point; ``failure_onset_s`` (epoch seconds) set for a failing one."""

    device_type: DeviceType
    noise_seed: int
    temperature_c: float
    vibration_mm_s: float
    pressure_kpa: float
    current_a: float
    phase_h: float
    failure_onset_s: float | None = None
    failure_ramp_s: float = 6 * 3600.0
    sensor_faults: tuple[SensorFault, ...] = ()


def make_profile(
    seed: int, index: int, *, failing_from_s: float | None = None, ramp_s: float = 6 * 3600.0
) -> DeviceProfile:
    """The ``index``-th device of a fleet seeded with ``seed``; the same arguments, the same device.

    A failing device's wear starts up to a quarter of ``ramp_s`` before ``failing_from_s``, so a
    short run already shows some of the trend.
    """
    rng = random.Random(f"profile:{seed}:{index}")
    kind = DEVICE_TYPES[rng.randrange(len(DEVICE_TYPES))]
    onset = None if failing_from_s is None else failing_from_s - rng.uniform(0, ramp_s / 4)
    return DeviceProfile(
        device_type=kind,
        noise_seed=rng.getrandbits(40),
        temperature_c=kind.temperature_c + rng.gauss(0, 1.0),
        vibration_mm_s=kind.vibration_mm_s * rng.uniform(0.8, 1.25),
        pressure_kpa=kind.pressure_kpa * rng.gauss(1, 0.01),
        current_a=kind.current_a * rng.uniform(0.9, 1.1),
        phase_h=rng.gauss(0, 1.0),
        failure_onset_s=onset,
        failure_ramp_s=ramp_s,
    )


def daily_cycle(profile: DeviceProfile, at_s: float) -> float:
    """+1 at the device's afternoon peak, -1 twelve hours later."""
    hours = (at_s % SECONDS_PER_DAY) / 3600
    return math.cos(2 * math.pi * (hours - PEAK_HOUR_UTC - profile.phase_h) / 24)


def wear(profile: DeviceProfile, at_s: float) -> float:
    """0 for a healthy device; for a failing one it grows from 0 at onset to 1 at the end of the
    ramp (quadratically: slow at first, then faster), and stays at 1."""
    if profile.failure_onset_s is None:
        return 0.0
    progress = (at_s - profile.failure_onset_s) / profile.failure_ramp_s
    return min(max(progress, 0.0), 1.0) ** 2


def expected_metrics(profile: DeviceProfile, at_s: float) -> dict[str, float]:
    """The noiseless trend of every numeric metric at ``at_s`` (epoch seconds)."""
    kind = profile.device_type
    day = daily_cycle(profile, at_s)
    worn = wear(profile, at_s)
    tide = math.cos(4 * math.pi * ((at_s % SECONDS_PER_DAY) / 3600 - 10) / 24)  # 10:00 and 22:00
    trend = {
        "temperature": profile.temperature_c + kind.daily_swing_c * day + 12.0 * worn,
        "vibration": profile.vibration_mm_s * (1 + 0.1 * day + 4.0 * worn),
        "pressure": profile.pressure_kpa * (1 + 0.001 * tide),
        "current": profile.current_a * (1 + 0.15 * day + 0.25 * worn),
    }
    if kind.humidity_pct is not None:
        trend["humidity"] = min(max(kind.humidity_pct - 8.0 * day, 0.0), 100.0)
    if kind.rpm is not None:
        trend["rpm"] = kind.rpm * (1 + 0.01 * day - 0.03 * worn)
    return trend


def noise_sigma(name: str, trend: float) -> float:
    return ABSOLUTE_SIGMA.get(name) or RELATIVE_SIGMA[name] * abs(trend)


def sample_metrics(profile: DeviceProfile, at_ms: int) -> Metrics:
    """What the device's sensors read at ``at_ms`` (epoch milliseconds), planned faults included:
    nothing at all (``{}``) while a dropout lasts."""
    active = [fault for fault in profile.sensor_faults if fault.active(at_ms)]
    if not active:
        return measure(profile, at_ms)
    if any(fault.kind is SensorFaultKind.DROPOUT for fault in active):
        return {}
    metrics = measure(profile, at_ms)
    for fault in active:
        true = float(metrics[fault.metric])  # plan_fleet lets planned faults name numbers only
        if fault.kind is SensorFaultKind.STUCK:
            metrics[fault.metric] = measure(profile, fault.start_ms)[fault.metric]
        elif fault.kind is SensorFaultKind.SPIKE:
            metrics[fault.metric] = round(true + fault.size, DECIMALS[fault.metric])
        else:
            minutes = (at_ms - fault.start_ms) / 60_000
            metrics[fault.metric] = round(true + fault.size * minutes, DECIMALS[fault.metric])
    return metrics


def measure(profile: DeviceProfile, at_ms: int) -> Metrics:
    """What healthy sensors read at ``at_ms``: the trend and the noise, no planned fault."""
    at_s = at_ms / 1000
    trends = expected_metrics(profile, at_s)
    normals = standard_normals(profile.noise_seed, at_ms, len(trends))
    metrics: Metrics = {}
    for (name, trend), normal in zip(trends.items(), normals, strict=True):
        noise = min(max(normal, -NOISE_CLIP), NOISE_CLIP) * noise_sigma(name, trend)
        metrics[name] = round(trend + noise, DECIMALS[name])
    if profile.device_type.has_door:
        minute = int(at_s // 60)
        metrics["door_open"] = uniform(profile.noise_seed, -minute - 1) < DOOR_OPEN_SHARE
    if profile.device_type.has_mode:
        metrics["mode"] = "eco" if daily_cycle(profile, at_s) < -0.7 else "auto"
    return metrics
