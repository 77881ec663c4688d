"""The alerting benchmark's fleet: devices, rules and readings, all derived from a few numbers so
the bench, the profiler and the expected notification count agree without sharing state.

Devices ``<prefix>-0000`` … are in groups of ten (``g000`` …), even ones are pumps, odd ones
fridges. Temperature hovers at 20 ± 1, vibration at 0.5 ± 0.05. One device in each group of ten
is **faulty**: once, at a moment spread evenly over the run, its temperature is 95 for
``FAULT_S`` seconds. The rules are a mix an operator would write:

- one threshold per device (temperature above 80, clear 75; the devices past the first
  ``devices`` watch vibration above 5 and never fire);
- per group: the mean temperature of 10 s above 40 (clear 30), and the temperature rising faster
  than 120 °/min over 10 s (clear 30);
- per device type: pumps' temperature outside 0 to 90, fridges' vibration above 5;
- for the whole fleet: a heartbeat, no temperature for 5 minutes (the rule an operator writes
  first; it never fires here, but it gives every device's states a due time for the sweep).

Each faulty device therefore raises and clears exactly once each rule that watches its
temperature: that is the expected notification count. Every rule has ``lateness_s: 0`` (the
2 s budget leaves no room for a watermark delay).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

GROUP_SIZE = 10
FAULTY_OFFSET = 5
FAULT_S = 4
FAULT_VALUE = 95.0
TAIL_S = FAULT_S + 12.0  # after the last fault starts: it ends, the 10 s windows forget it
TYPES = ("bench-pump", "bench-fridge")

ABOVE_80 = {"type": "threshold", "op": "above", "set": 80, "clear": 75}
VIBRATION_ABOVE_5 = {"type": "threshold", "op": "above", "set": 5}
GROUP_MEAN = {
    "type": "aggregate",
    "function": "mean",
    "window_s": 10,
    "op": "above",
    "set": 40,
    "clear": 30,
    "min_points": 3,
}
GROUP_RATE = {
    "type": "rate",
    "per": "minute",
    "window_s": 10,
    "op": "above",
    "set": 120,
    "clear": 30,
}
PUMP_BAND = {"type": "band", "op": "outside", "low": 0, "high": 90}
HEARTBEAT = {"type": "missing_data", "timeout_s": 300}


@dataclass(frozen=True)
class AlertingFleet:
    prefix: str
    devices: int
    rules: int
    rate: float  # readings/s of the whole fleet
    duration_s: float
    warmup_s: float = 15.0  # before the first fault: every state is created and its window fills
    heartbeat: bool = True  # the fleet-wide missing-data rule

    @property
    def per_device_hz(self) -> float:
        return self.rate / self.devices

    @property
    def groups(self) -> int:
        return math.ceil(self.devices / GROUP_SIZE)

    def device_id(self, index: int) -> str:
        return f"{self.prefix}-{index:04d}"

    def device_type(self, index: int) -> str:
        return TYPES[index % 2]

    def group(self, index: int) -> str:
        return f"g{index // GROUP_SIZE:03d}"

    def faulty(self) -> list[int]:
        """One device per group of ten: the fifth in even groups (a fridge), the fourth in odd
        ones (a pump), so both types fail."""
        found = (g * GROUP_SIZE + FAULTY_OFFSET - g % 2 for g in range(self.groups))
        return [index for index in found if index < self.devices]

    def fault_start_seq(self, index: int) -> int | None:
        """The sequence number of the device's first faulty reading, or None for a sound one."""
        faulty = self.faulty()
        if index not in faulty:
            return None
        span = max(0.0, self.duration_s - self.warmup_s - TAIL_S)
        offset_s = self.warmup_s + span * faulty.index(index) / max(1, len(faulty))
        return math.ceil(offset_s * self.per_device_hz)

    def metrics(self, index: int, seq: int) -> dict[str, float]:
        start = self.fault_start_seq(index)
        fault_len = max(1, round(FAULT_S * self.per_device_hz))
        if start is not None and start <= seq < start + fault_len:
            temperature = FAULT_VALUE
        else:
            temperature = round(20 + math.sin(seq / 5 + index), 3)
        vibration = round(0.5 + 0.05 * math.sin(seq / 3 + index), 4)
        return {"temperature": temperature, "vibration": vibration}

    def rule_bodies(self) -> list[tuple[str, dict[str, Any]]]:
        """``(rule id, body as the API takes it)``: 2 type rules, the heartbeat, 2 per group,
        then per device."""
        bodies: list[tuple[str, dict[str, Any]]] = [
            ("type-pump-band", _rule("temperature", ("device_type", TYPES[0]), PUMP_BAND)),
            ("type-fridge-vib", _rule("vibration", ("device_type", TYPES[1]), VIBRATION_ABOVE_5)),
        ]
        if self.heartbeat:
            bodies.append(("fleet-heartbeat", _rule("temperature", ("all", None), HEARTBEAT)))
        for g in range(self.groups):
            if len(bodies) + 2 > self.rules:
                break
            group = f"g{g:03d}"
            bodies.append((f"{group}-mean", _rule("temperature", ("group", group), GROUP_MEAN)))
            bodies.append((f"{group}-rate", _rule("temperature", ("group", group), GROUP_RATE)))
        n = 0
        while len(bodies) < self.rules:
            index, lap = n % self.devices, n // self.devices
            device = self.device_id(index)
            if lap == 0:
                body = _rule("temperature", ("device", device), ABOVE_80)
            else:
                body = _rule("vibration", ("device", device), VIBRATION_ABOVE_5)
            bodies.append((f"dev-{index:04d}-{lap}", body))
            n += 1
        return bodies[: self.rules]

    def expected_transitions(self) -> int:
        """Raises plus clears: one of each per faulty device and rule on its temperature."""
        ids = {rule_id for rule_id, _ in self.rule_bodies()}
        total = 0
        for index in self.faulty():
            if self.fault_start_seq(index) is None:
                continue
            watching = [
                f"dev-{index:04d}-0" in ids,
                f"{self.group(index)}-mean" in ids,
                f"{self.group(index)}-rate" in ids,
                self.device_type(index) == TYPES[0] and "type-pump-band" in ids,
            ]
            total += 2 * sum(watching)
        return total


def _rule(metric: str, scope: tuple[str, str | None], condition: dict[str, Any]) -> dict[str, Any]:
    kind, value = scope
    return {
        "name": f"{metric} {condition['type']} on {kind} {value or ''}".rstrip(),
        "scope": {"kind": kind, "value": value},
        "metric": metric,
        "severity": "major",
        "condition": condition,
        "lateness_s": 0,
    }
