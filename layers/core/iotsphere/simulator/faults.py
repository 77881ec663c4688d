"""Injected faults: a spike, a stuck sensor, a silent device, a malformed payload.

Each device keeps its own fault state and its own seeded generator, so the same seed gives the
same faults at the same sequence numbers. Every enabled kind is rolled once per reading.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from iotsphere.simulator.errors import FaultSpecError
from iotsphere.simulator.malformed import MalformedKind
from iotsphere.simulator.signals import Metrics


class FaultKind(StrEnum):
    SPIKE = "spike"  # one reading carries one extreme value
    STUCK = "stuck"  # one sensor repeats the same value for a while
    DROPOUT = "dropout"  # the device sends nothing for a while
    MALFORMED = "malformed"  # the payload breaks the telemetry contract


@dataclass(frozen=True)
class FaultPlan:
    """Probability per reading that a fault of each kind starts, and how long the lasting last."""

    rates: Mapping[FaultKind, float] = field(default_factory=dict)
    stuck_readings: tuple[int, int] = (10, 60)
    dropout_readings: tuple[int, int] = (5, 30)

    @classmethod
    def parse(cls, spec: str, default_rate: float, **lengths: tuple[int, int]) -> FaultPlan:
        """``"spike,stuck=0.01"``: each kind at ``default_rate`` unless it names its own."""
        rates: dict[FaultKind, float] = {}
        for item in filter(None, (part.strip() for part in spec.split(","))):
            name, _, rate = item.partition("=")
            try:
                kind, value = FaultKind(name.strip()), float(rate) if rate else default_rate
            except ValueError as exc:
                known = ", ".join(FaultKind)
                raise FaultSpecError(f"fault {item!r}: use kind[=rate], kinds: {known}") from exc
            if not 0.0 <= value <= 1.0 or math.isnan(value):
                raise FaultSpecError(f"fault {item!r}: the rate is a probability, 0 to 1")
            rates[kind] = value
        return cls(rates={k: r for k, r in rates.items() if r > 0}, **lengths)


@dataclass(frozen=True)
class FaultOutcome:
    """What happened to one reading: ``metrics`` is None when the device stayed silent."""

    metrics: Metrics | None
    malformed: MalformedKind | None = None
    started: tuple[FaultKind, ...] = ()


def spike_value(value: float, rng: random.Random) -> float:
    """At least five times ``max(|value|, 10)`` away from ``value``, on the side of its sign."""
    jump = rng.uniform(5.0, 10.0) * max(abs(value), 10.0)
    return round(value + math.copysign(jump, value), 3)


class DeviceFaults:
    """One device's fault state: how long it stays silent, which sensor is stuck at what value."""

    def __init__(self, plan: FaultPlan, rng: random.Random) -> None:
        self._plan = plan
        self._rng = rng
        self._silent_for = 0
        self._stuck: tuple[str, float | bool | str] | None = None
        self._stuck_for = 0

    def _rolls(self, kind: FaultKind) -> bool:
        rate = self._plan.rates.get(kind, 0.0)
        return rate > 0 and self._rng.random() < rate

    def apply(self, metrics: Metrics) -> FaultOutcome:
        """The reading as the device sends it, given what its sensors measured (not changed).
        A device that measured nothing (a planned dropout) sends nothing."""
        if not metrics:
            return FaultOutcome(None)
        if not self._plan.rates:
            return FaultOutcome(metrics)
        if self._silent_for > 0:
            self._silent_for -= 1
            return FaultOutcome(None)
        if self._rolls(FaultKind.DROPOUT):
            self._silent_for = self._rng.randint(*self._plan.dropout_readings) - 1
            return FaultOutcome(None, started=(FaultKind.DROPOUT,))
        started: list[FaultKind] = []
        out = dict(metrics)
        numeric = [name for name, value in out.items() if isinstance(value, float)]
        if self._stuck_for == 0 and self._rolls(FaultKind.STUCK):
            name = self._rng.choice(numeric)
            self._stuck, self._stuck_for = (
                (name, out[name]),
                self._rng.randint(*self._plan.stuck_readings),
            )
            started.append(FaultKind.STUCK)
        if self._stuck is not None and self._stuck_for > 0:
            out[self._stuck[0]] = self._stuck[1]
            self._stuck_for -= 1
        if self._rolls(FaultKind.SPIKE):
            name = self._rng.choice(numeric)
            out[name] = spike_value(float(out[name]), self._rng)
            started.append(FaultKind.SPIKE)
        malformed = None
        if self._rolls(FaultKind.MALFORMED):
            malformed = self._rng.choice(list(MalformedKind))
            started.append(FaultKind.MALFORMED)
        return FaultOutcome(out, malformed, tuple(started))
