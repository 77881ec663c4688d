"""A reading's metrics judged against its device type's expected metrics.

For ingest (or alerting) to flag or refuse what a device of a known type should not send: a metric
the type does not declare, a value of the wrong kind (the fix for the InfluxDB field-type conflict
noted in decisions.md: a declared kind is known before the first write), or one outside the
plausible range.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from iotsphere.domain.devices.device_type import DeviceType, MetricSpec


class MetricProblem(BaseModel):
    model_config = ConfigDict(frozen=True)

    metric: str
    kind: Literal["undeclared", "wrong_kind", "out_of_range"]
    detail: str


def _kind_of(value: float | bool | str) -> str:
    if isinstance(value, bool):
        return "boolean"
    return "string" if isinstance(value, str) else "number"


def _check(spec: MetricSpec, value: float | bool | str) -> MetricProblem | None:
    kind = _kind_of(value)
    if kind != spec.kind:
        detail = f"{spec.name} must be a {spec.kind}, got a {kind}"
        return MetricProblem(metric=spec.name, kind="wrong_kind", detail=detail)
    if isinstance(value, bool | str):
        return None
    low = spec.minimum is not None and value < spec.minimum
    high = spec.maximum is not None and value > spec.maximum
    if low or high:
        bounds = f"[{spec.minimum if spec.minimum is not None else '-inf'}, "
        bounds += f"{spec.maximum if spec.maximum is not None else 'inf'}]"
        detail = f"{spec.name} = {value:g} {spec.unit}".rstrip() + f" is outside {bounds}"
        return MetricProblem(metric=spec.name, kind="out_of_range", detail=detail)
    return None


def metric_problems(
    device_type: DeviceType, metrics: Mapping[str, float | bool | str]
) -> list[MetricProblem]:
    """Every problem of ``metrics``; none when the type declares no metrics at all."""
    if not device_type.metrics:
        return []
    problems = []
    for name, value in metrics.items():
        spec = device_type.metric(name)
        if spec is None:
            detail = f"{name} is not a metric of device type {device_type.id}"
            problems.append(MetricProblem(metric=name, kind="undeclared", detail=detail))
            continue
        problem = _check(spec, value)
        if problem is not None:
            problems.append(problem)
    return problems
