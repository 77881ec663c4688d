"""Planned faults: ``--fault-plan plan.json`` names which device gets which fault, when and for
how long, so a test knows exactly which alarms must rise and clear (random ``--faults`` cannot).

```json
[{"device": "sim-0001", "kind": "spike", "metric": "temperature", "start_s": 20,
  "duration_s": 5, "size": 80},
 {"device": "sim-0002", "kind": "drift", "start_s": 20, "duration_s": 90, "size": 4},
 {"device": "sim-0003", "kind": "stuck", "start_s": 20, "duration_s": 60},
 {"device": "sim-0004", "kind": "dropout", "start_s": 20, "duration_s": 40}]
```

``start_s`` counts from the start of the run (the first reading's timestamp); ``metric`` defaults
to ``temperature``; ``size`` is what a spike adds, or what a drift adds per minute. Each fault
acts on the device timestamps ``[start, start + duration)``, then the sensor reads true again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from iotsphere.simulator.errors import FaultSpecError
from iotsphere.simulator.fleet import SimulatedDevice
from iotsphere.simulator.signals import SensorFault, SensorFaultKind, expected_metrics

SIZED = (SensorFaultKind.SPIKE, SensorFaultKind.DRIFT)


class PlannedFault(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    device: Annotated[str, Field(min_length=1)]
    kind: SensorFaultKind
    metric: Annotated[str, Field(min_length=1)] = "temperature"
    start_s: Annotated[float, Field(ge=0)]
    duration_s: Annotated[float, Field(gt=0)]
    size: float | None = None

    @model_validator(mode="after")
    def _size_fits_the_kind(self) -> Self:
        if self.kind in SIZED and self.size is None:
            raise ValueError(f"a {self.kind} needs a size (what it adds)")
        if self.kind not in SIZED and self.size is not None:
            raise ValueError(f"a {self.kind} has no size")
        return self

    def timed(self, run_start_s: float) -> SensorFault:
        """This fault on the device clock of a run that starts at ``run_start_s``."""
        start_ms = round((run_start_s + self.start_s) * 1000)
        end_ms = start_ms + round(self.duration_s * 1000)
        return SensorFault(self.kind, self.metric, start_ms, end_ms, self.size or 0.0)


def load_fault_plan(path: Path) -> list[PlannedFault]:
    """The faults of a plan file; ``FaultSpecError`` names the file, the fault and the field."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FaultSpecError(f"fault plan {path}: not found") from exc
    except (OSError, ValueError) as exc:
        raise FaultSpecError(f"fault plan {path}: not valid JSON ({exc})") from exc
    if not isinstance(raw, list):
        raise FaultSpecError(f"fault plan {path}: must be a JSON list of faults")
    plan = []
    for number, entry in enumerate(raw, start=1):
        try:
            plan.append(PlannedFault.model_validate(entry))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, error['loc'])) or 'fault'}: {error['msg']}"
                for error in exc.errors()
            )
            raise FaultSpecError(f"fault plan {path}: fault {number}: {problems}") from exc
    return plan


def plan_fleet(
    fleet: Sequence[SimulatedDevice], plan: Sequence[PlannedFault], run_start_s: float
) -> None:
    """Give each device the plan names its faults, timed from ``run_start_s``; a device or a
    numeric metric the fleet does not have is a ``FaultSpecError``."""
    devices = {device.device_id: device for device in fleet}
    timed: dict[str, list[SensorFault]] = {}
    for fault in plan:
        device = devices.get(fault.device)
        if device is None:
            raise FaultSpecError(f"fault plan: no device {fault.device} in this fleet")
        numeric = expected_metrics(device.profile, run_start_s)
        if fault.kind is not SensorFaultKind.DROPOUT and fault.metric not in numeric:
            raise FaultSpecError(
                f"fault plan: {fault.device} has no numeric metric {fault.metric!r} "
                f"(it has {', '.join(sorted(numeric))})"
            )
        timed.setdefault(fault.device, []).append(fault.timed(run_start_s))
    for device_id, faults in timed.items():
        device = devices[device_id]
        device.profile = replace(device.profile, sensor_faults=tuple(faults))
