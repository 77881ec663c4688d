"""Rules for the alerting tests, built from a condition and a few overrides."""

from typing import Any

from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.domain.alerting.rules import Rule

T0 = 1_795_716_000_000  # 2026-11-26T18:00:00Z in epoch ms


def make_rule(condition: dict[str, Any], **extra: Any) -> Rule:
    data: dict[str, Any] = {
        "id": "r1",
        "org_id": "org-a",
        "name": "test rule",
        "scope": {"kind": "all"},
        "metric": "temperature",
        "severity": "major",
        "condition": condition,
        "lateness_s": 0,
        **extra,
    }
    return parse_rule(data)


def seconds(*pairs: tuple[float, float]) -> list[tuple[int, float]]:
    """Points from (seconds after T0, value) pairs."""
    return [(T0 + int(s * 1000), float(v)) for s, v in pairs]
