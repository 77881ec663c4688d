"""The simulated fleet: seeded devices, each turning a reading slot into its message."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from iotsphere.simulator.faults import DeviceFaults, FaultKind, FaultPlan
from iotsphere.simulator.malformed import MalformedKind, malformed_payload
from iotsphere.simulator.payloads import encode, reading_document, telemetry_topic
from iotsphere.simulator.signals import DeviceProfile, make_profile, sample_metrics


@dataclass(frozen=True)
class FleetOptions:
    devices: int
    prefix: str = "sim"
    seed: int = 1
    failing_fraction: float = 0.0
    failure_hours: float = 6.0
    faults: FaultPlan = field(default_factory=FaultPlan)


@dataclass(frozen=True)
class Outgoing:
    """A device's message for one reading slot; ``payload`` is None when the device was silent."""

    device_id: str
    topic: str
    seq: int
    payload: bytes | None
    malformed: MalformedKind | None = None
    faults_started: tuple[FaultKind, ...] = ()


class SimulatedDevice:
    def __init__(
        self, device_id: str, profile: DeviceProfile, faults: FaultPlan, rng: random.Random
    ) -> None:
        self.device_id = device_id
        self.topic = telemetry_topic(device_id)
        self.profile = profile
        self.failing = profile.failure_onset_s is not None
        self._fault_rng = rng
        self._faults = DeviceFaults(faults, rng)

    def message(self, seq: int, epoch_ms: int) -> Outgoing:
        """The message for reading ``seq``, due at ``epoch_ms`` (its device timestamp)."""
        outcome = self._faults.apply(sample_metrics(self.profile, epoch_ms))
        if outcome.metrics is None:
            payload = None
        elif outcome.malformed is not None:
            payload = malformed_payload(
                outcome.malformed, epoch_ms, seq, outcome.metrics, self._fault_rng
            )
        else:
            payload = encode(reading_document(epoch_ms, seq, outcome.metrics))
        return Outgoing(
            self.device_id, self.topic, seq, payload, outcome.malformed, outcome.started
        )


def failing_indexes(devices: int, fraction: float, seed: int) -> set[int]:
    """Exactly ``round(fraction * devices)`` devices, the same ones for the same seed."""
    chosen = round(min(max(fraction, 0.0), 1.0) * devices)
    return set(random.Random(f"failing:{seed}").sample(range(devices), chosen))


def device_id(prefix: str, index: int) -> str:
    """``sim-0001`` for the first device (numbered from 1, at least four digits)."""
    return f"{prefix}-{index + 1:04d}"


def build_fleet(options: FleetOptions, start_s: float) -> list[SimulatedDevice]:
    """The fleet of a run starting at ``start_s`` (epoch seconds), when failing devices' wear is
    already under way."""
    failing = failing_indexes(options.devices, options.failing_fraction, options.seed)
    ramp_s = options.failure_hours * 3600
    fleet = []
    for index in range(options.devices):
        profile = make_profile(
            options.seed,
            index,
            failing_from_s=start_s if index in failing else None,
            ramp_s=ramp_s,
        )
        rng = random.Random(f"faults:{options.seed}:{index}")
        fleet.append(
            SimulatedDevice(device_id(options.prefix, index), profile, options.faults, rng)
        )
    return fleet
