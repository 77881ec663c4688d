"""What the Chalice app declares: its event sources and each one's handler string and timeout.

Only the runner's parent process imports ``app.py``; workers import just the handler's module,
as Lambda does, so a Blueprint handler that needs ``app.py`` imported fails here as it would there.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iotsphere.local.config import SCHEDULE_OFF, StackConfig, StackConfigError
from iotsphere.local.schedule import interval_seconds


@dataclass(frozen=True)
class FunctionTarget:
    key: str  # the name in samplelocal.yml
    name: str  # the Chalice function name
    handler_string: str
    queue: str | None
    schedule: str | None
    batch_size: int
    timeout_s: int
    concurrency: int


def chalice_timeouts(functions_dir: Path, stage: str = "dev") -> tuple[int, dict[str, int]]:
    config = json.loads((functions_dir / ".chalice" / "config.json").read_text())
    stage_config = config.get("stages", {}).get(stage, {})
    default = int(stage_config.get("lambda_timeout", config.get("lambda_timeout", 60)))
    per_function = {
        name: int(values.get("lambda_timeout", default))
        for name, values in stage_config.get("lambda_functions", {}).items()
    }
    return default, per_function


def load_app(functions_dir: Path) -> Any:
    if str(functions_dir) not in sys.path:
        sys.path.insert(0, str(functions_dir))
    return importlib.import_module("app").app


def resolve_targets(config: StackConfig, functions_dir: Path) -> list[FunctionTarget]:
    """Queue triggers from samplelocal.yml matched to the app's event sources, and every schedule
    the app declares: ``schedules:`` in samplelocal.yml may give one another rate locally, or
    turn it ``off`` (a test stack whose tests drive that service themselves)."""
    app = load_app(functions_dir)
    default_timeout, timeouts = chalice_timeouts(functions_dir)

    def target(key: str, source: Any, concurrency: int, schedule: str | None) -> FunctionTarget:
        return FunctionTarget(
            key=key,
            name=source.name,
            handler_string=source.handler_string,
            queue=getattr(source, "queue", None),
            schedule=schedule,
            batch_size=int(getattr(source, "batch_size", 1) or 1),
            timeout_s=timeouts.get(source.name, default_timeout),
            concurrency=concurrency,
        )

    targets = []
    for key, spec in config.functions.items():
        queue = spec.trigger.queue
        source = next((s for s in app.event_sources if getattr(s, "queue", None) == queue), None)
        if queue is None or source is None:
            raise StackConfigError(
                f"functions.{key}: no function in functions/app.py consumes queue {queue!r}"
            )
        targets.append(target(key, source, spec.concurrency, None))
    scheduled = [s for s in app.event_sources if getattr(s, "schedule_expression", None)]
    _check_schedule_names(config, sorted(s.name for s in scheduled))
    for source in scheduled:
        local = config.schedules.get(source.name, str(source.schedule_expression))
        if local == SCHEDULE_OFF:
            continue
        try:
            interval_seconds(local)
        except StackConfigError as exc:
            raise StackConfigError(f"schedules.{source.name}: {exc}") from exc
        targets.append(target(source.name, source, 1, local))
    return targets


def _check_schedule_names(config: StackConfig, declared: list[str]) -> None:
    for name in config.schedules:
        if name not in declared:
            raise StackConfigError(
                f"schedules.{name}: functions/app.py declares no such schedule; "
                f"it declares {', '.join(declared)}"
            )


def import_handler(handler_string: str, functions_dir: Path) -> Callable[..., Any]:
    """Import a handler the way Lambda does: its module alone, by the handler string."""
    if str(functions_dir) not in sys.path:
        sys.path.insert(0, str(functions_dir))
    module_name, _, attribute = handler_string.rpartition(".")
    handler: Callable[..., Any] = getattr(importlib.import_module(module_name), attribute)
    return handler
