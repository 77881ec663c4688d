"""Schedule expressions the local runner fires: ``rate(N minute|minutes|hour|hours|day|days)``."""

from __future__ import annotations

import re

from iotsphere.local.config import StackConfigError

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def interval_seconds(expression: str) -> int:
    """Seconds between firings of a ``rate(...)`` expression."""
    match = _RATE.fullmatch(expression.strip())
    if not match:
        raise StackConfigError(
            f"schedule {expression!r}: the local runner fires rate(N minutes|hours|days); "
            "give a rate() override for it under schedules: in samplelocal.yml"
        )
    amount, unit = int(match.group(1)), match.group(2).rstrip("s")
    if amount < 1:
        raise StackConfigError(f"schedule {expression!r}: the rate must be at least 1")
    return amount * _SECONDS[unit]
