"""Backtest: the alarms a rule (saved or draft) would have raised over a past time range, from the
stored history of each device in its scope. Nothing is stored and nobody is notified."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from iotsphere.domain.alerting.errors import RuleValidationError
from iotsphere.domain.alerting.evaluator import (
    accept,
    check_missing,
    needs_history,
    new_state,
    prime,
)
from iotsphere.domain.alerting.evaluator_state import Verdict
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.scope import DeviceProfile, in_scope
from iotsphere.domain.alerting.signals import Point
from iotsphere.domain.alerting.transitions import from_ms, to_ms
from iotsphere.domain.telemetry_query import EARLIEST, LATEST
from iotsphere.services.alerting.errors import BacktestRangeError
from iotsphere.services.alerting.ports import DeviceDirectory, HistoryReader, RuleStore

MAX_RANGE = timedelta(days=31)
MAX_DEVICES = 200


@dataclass(frozen=True)
class BacktestPorts:
    history: HistoryReader
    devices: DeviceDirectory


class BacktestAlarm(BaseModel):
    device_id: str
    raised_at: datetime
    cleared_at: datetime | None
    value: float | None


def backtest(
    rule: Rule, start: datetime, end: datetime, ports: BacktestPorts
) -> list[BacktestAlarm]:
    if start.tzinfo is None or end.tzinfo is None:
        raise BacktestRangeError("start and end need a time zone (use Z for UTC)")
    if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        raise BacktestRangeError(f"start and end must lie between {EARLIEST:%Y} and {LATEST:%Y}")
    if not start < end <= start + MAX_RANGE:
        raise BacktestRangeError(f"end must be after start and at most {MAX_RANGE.days} days on")
    found: list[BacktestAlarm] = []
    for device in _devices(rule, ports.devices):
        found += replay(rule, device.device_id, start, end, ports.history)
    return sorted(found, key=lambda alarm: (alarm.raised_at, alarm.device_id))


def backtest_rule(
    org_id: str,
    rule: str | Mapping[str, Any],
    start: datetime,
    end: datetime,
    ports: BacktestPorts,
    rules: RuleStore,
) -> list[BacktestAlarm]:
    """Backtest a saved rule (its id) or a draft (a body, checked like a rule being saved)."""
    if isinstance(rule, str):
        checked = rules.get(org_id, rule)
    else:
        checked = parse_rule({"id": "draft", "name": "draft", **rule, "org_id": org_id})
    return backtest(checked, start, end, ports)


def backtest_draft(
    org_id: str, draft: Mapping[str, Any], start: datetime, end: datetime, ports: BacktestPorts
) -> list[BacktestAlarm]:
    """Backtest a rule that is not saved; ``RuleValidationError`` names the field under
    ``rule.``, where the request carries the draft."""
    try:
        rule = parse_rule({"id": "draft", "name": "draft", **draft, "org_id": org_id})
    except RuleValidationError as exc:
        raise RuleValidationError(f"rule.{exc.path}", exc.reason) from exc
    return backtest(rule, start, end, ports)


def replay(
    rule: Rule, device_id: str, start: datetime, end: datetime, history: HistoryReader
) -> list[BacktestAlarm]:
    """One device's history of every metric the rule reads through the rule, in timestamp order
    (no lateness needed)."""
    rule = rule.model_copy(update={"lateness_s": 0})
    windows = needs_history(rule)
    start_ms = to_ms(start)
    before: dict[str, list[Point]] = {}
    during: dict[str, list[Point]] = {}
    for metric in rule.metrics:
        window = timedelta(seconds=windows.get(metric, 0))
        points = history.points(device_id, metric, max(start - window, EARLIEST), end)
        before[metric] = [p for p in points if p[0] < start_ms]
        during[metric] = [p for p in points if p[0] >= start_ms]
    state = prime(new_state(rule, device_id), before.pop(rule.metric), others=before)
    state, verdicts = accept(state, rule, during.pop(rule.metric), others=during)
    _, raised = check_missing(state, rule, to_ms(end))
    return _episodes(device_id, verdicts + raised)


def _episodes(device_id: str, verdicts: list[Verdict]) -> list[BacktestAlarm]:
    episodes: list[BacktestAlarm] = []
    for verdict in verdicts:
        if not verdict.changed:
            continue
        if verdict.active:
            episodes.append(
                BacktestAlarm(
                    device_id=device_id,
                    raised_at=from_ms(verdict.ts_ms),
                    cleared_at=None,
                    value=verdict.value,
                )
            )
        elif episodes and episodes[-1].cleared_at is None:
            episodes[-1] = episodes[-1].model_copy(update={"cleared_at": from_ms(verdict.ts_ms)})
    return episodes


def _devices(rule: Rule, directory: DeviceDirectory) -> list[DeviceProfile]:
    if rule.scope.kind == "device" and rule.scope.value is not None:
        candidates = list(directory.profiles([rule.scope.value]).values())
    else:
        candidates = directory.list_profiles(rule.org_id, limit=MAX_DEVICES)
    trial = rule.model_copy(update={"enabled": True})  # a disabled rule is tried before use
    return [device for device in candidates if in_scope(trial, device)]
