"""The rules a simulated fleet starts with, so that ``./dev up`` shows alerting at work before
anyone writes a rule: a heartbeat for every simulated device, and for each simulated kind a
temperature threshold that the simulator's spikes cross (raised on the spike, cleared at the next
reading) and a vibration threshold held for ten minutes, which only a wearing device reaches.

They are added once, when the fleet is registered in an organization that has no rule at all, and
each goes through ``save_rule`` as a ``PUT /v1/rules/{id}`` does. An operator edits or deletes them
like any other rule; once the organization has a rule, none is added again.

The levels follow the simulator's signals (``signals.py``): a healthy device's temperature stays
within its operating point ± 3 °C plus its daily swing, and wear adds at most 12 °C; a spike moves a
reading by at least five times ``max(|value|, 10)``. Vibration varies by ± 25 % between devices and
± 10 % over the day; full wear multiplies it by five.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from iotsphere.services.alerting.ports import AlertingPorts, RuleStore
from iotsphere.services.alerting.rule_admin import save_rule
from iotsphere.services.devices.ports import DeviceTypeRepository
from iotsphere.simulator.device_types import DeviceType as SimulatedKind
from iotsphere.simulator.fleet import SimulatedDevice
from iotsphere.simulator.registration import SIMULATED_TAG, type_id

HEARTBEAT_S = 120  # a dropout lasts at most 10 s
WORN_TEMPERATURE_C = 12.0  # what full wear adds (signals.expected_metrics)
VIBRATION_HELD_S = 600


def _heartbeat() -> dict[str, Any]:
    return {
        "id": "starter-heartbeat",
        "name": "Simulated device silent",
        "scope": {"kind": "tag", "value": SIMULATED_TAG},
        "metric": "temperature",
        "severity": "major",
        "condition": {"type": "missing_data", "timeout_s": HEARTBEAT_S},
    }


def _above(
    kind: SimulatedKind, metric: str, what: str, severity: str, levels: Mapping[str, float]
) -> dict[str, Any]:
    """A threshold rule on a simulated kind's ``metric``; ``levels``: set, clear, duration_s."""
    return {
        "id": f"starter-{type_id(kind)}-{metric}",
        "name": f"Simulated {kind.name}: {what}",
        "scope": {"kind": "device_type", "value": type_id(kind)},
        "metric": metric,
        "severity": severity,
        "condition": {"type": "threshold", "op": "above", **levels},
    }


def _temperature(kind: SimulatedKind) -> dict[str, Any]:
    hottest_healthy = kind.temperature_c + 3.0 + kind.daily_swing_c + WORN_TEMPERATURE_C
    levels = {"set": round(hottest_healthy + 10.0), "clear": round(hottest_healthy + 5.0)}
    return _above(kind, "temperature", "temperature out of range", "critical", levels)


def _vibration(kind: SimulatedKind) -> dict[str, Any]:
    levels = {
        "set": round(kind.vibration_mm_s * 2.5, 2),
        "clear": round(kind.vibration_mm_s * 2.0, 2),
        "duration_s": VIBRATION_HELD_S,
    }
    return _above(kind, "vibration", "vibration of a wearing machine", "warning", levels)


def starter_rules(kinds: Iterable[SimulatedKind]) -> list[dict[str, Any]]:
    """Rule bodies (with their ids): the heartbeat, then two thresholds per kind."""
    ordered = sorted(set(kinds), key=lambda kind: kind.name)
    return [_heartbeat()] + [rule(kind) for kind in ordered for rule in (_temperature, _vibration)]


def add_starter_rules(
    org_id: str,
    fleet: Sequence[SimulatedDevice],
    rules: RuleStore,
    types: DeviceTypeRepository,
    evaluation: AlertingPorts,
    now: datetime,
) -> list[str]:
    """The names of the rules added: none when the organization already has a rule."""
    if rules.list_rules(org_id, limit=1):
        return []
    bodies = starter_rules(device.profile.device_type for device in fleet)
    return [
        save_rule(org_id, body.pop("id"), body, rules, types, evaluation, now).name
        for body in bodies
    ]
