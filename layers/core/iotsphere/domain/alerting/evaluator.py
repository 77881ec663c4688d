"""Evaluating one rule over the readings of one device metric, in device-time order.

Readings arrive out of order (the ``alerts`` queue does not keep order, devices resend). The state
keeps a **watermark**: readings wait in ``pending`` until the newest device timestamp seen is
``rule.lateness_s`` past them, then they are evaluated in timestamp order. So a stream shuffled by
less than the lateness gives exactly the alarms of the ordered stream. A reading at or before the
watermark comes too late: it is counted in ``late_dropped`` and not evaluated; a redelivered reading
is one of those, or replaces itself in ``pending`` (same timestamp, same reading).

Everything here is pure: functions take a state and return a new one with the verdicts.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from iotsphere.domain.alerting.conditions import (
    CompositeCondition,
    Condition,
    LeafCondition,
    MissingDataCondition,
    leaves,
    longest_window_s,
)
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.signals import Point, clear_holds, measure, set_holds
from iotsphere.domain.alerting.transitions import digest

MAX_HISTORY_POINTS = 5000


class LatchState(BaseModel):
    """One leaf's memory: raised or not, and since when its set comparison has held."""

    model_config = ConfigDict(frozen=True)

    active: bool = False
    since_ms: int | None = None


class EvaluatorState(BaseModel):
    org_id: str
    rule_id: str
    device_id: str
    metric: str
    revision: int = 0
    watermark_ms: int | None = None
    max_seen_ms: int | None = None
    pending: list[Point] = Field(default_factory=list)
    history: list[Point] = Field(default_factory=list)
    latches: list[LatchState] = Field(default_factory=list)
    active: bool = False
    last_ts_ms: int | None = None
    late_dropped: int = 0
    condition_digest: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.org_id, self.rule_id, self.device_id, self.metric)


@dataclass(frozen=True)
class Verdict:
    """The rule's answer at one reading: ``changed`` marks a raise or a clear."""

    ts_ms: int
    value: float | None
    score: float | None
    active: bool
    changed: bool


def new_state(rule: Rule, device_id: str) -> EvaluatorState:
    return EvaluatorState(
        org_id=rule.org_id,
        rule_id=rule.id,
        device_id=device_id,
        metric=rule.metric,
        latches=[LatchState() for _ in leaves(rule.condition)],
        condition_digest=condition_digest(rule),
    )


def condition_digest(rule: Rule) -> str:
    return digest(rule.condition.model_dump_json())


def adopt(state: EvaluatorState, rule: Rule) -> EvaluatorState:
    """The state under a rule whose condition may have changed since it was saved: a changed
    condition starts its latches afresh (readings, history and the raised state are kept, so an
    open alarm clears under the new condition)."""
    if state.condition_digest == condition_digest(rule):
        return state
    return state.model_copy(
        update={
            "latches": [LatchState() for _ in leaves(rule.condition)],
            "condition_digest": condition_digest(rule),
        }
    )


def needs_history(rule: Rule) -> int:
    """Seconds of history a fresh state should be primed with (0: none)."""
    return longest_window_s(rule.condition)


def prime(state: EvaluatorState, points: Iterable[Point]) -> EvaluatorState:
    """A fresh state with history read from the store before its first reading."""
    primed = _copy(state)
    primed.history = sorted(set(points))[-MAX_HISTORY_POINTS:]
    return primed


def accept(
    state: EvaluatorState, rule: Rule, points: Iterable[Point], now_ms: int | None = None
) -> tuple[EvaluatorState, list[Verdict]]:
    """Take readings in any order; evaluate those the watermark has passed.

    With the platform clock ``now_ms`` the watermark never passes ``now_ms - lateness``: one
    reading stamped minutes ahead by a wrong device clock waits, instead of making every honest
    reading after it look late.
    """
    state = _copy(state)
    pending = dict(state.pending)
    for ts_ms, value in points:
        if state.watermark_ms is not None and ts_ms <= state.watermark_ms:
            state.late_dropped += 1
            continue
        pending[ts_ms] = value
        state.max_seen_ms = ts_ms if state.max_seen_ms is None else max(state.max_seen_ms, ts_ms)
    state.pending = sorted(pending.items())
    if state.max_seen_ms is None:
        return state, []
    until = state.max_seen_ms if now_ms is None else min(state.max_seen_ms, now_ms)
    return _release(state, rule, until - _lateness_ms(rule))


def release_until(
    state: EvaluatorState, rule: Rule, until_ms: int
) -> tuple[EvaluatorState, list[Verdict]]:
    """Evaluate what waits up to ``until_ms`` (the sweep: wall clock minus lateness)."""
    return _release(_copy(state), rule, until_ms)


def check_missing(
    state: EvaluatorState, rule: Rule, now_ms: int
) -> tuple[EvaluatorState, list[Verdict]]:
    """Raise a missing-data rule when nothing came for its timeout; the alarm's time is the last
    reading plus the timeout, so every sweep after it names the same moment."""
    condition = rule.condition
    if not isinstance(condition, MissingDataCondition) or state.active:
        return state, []
    if state.max_seen_ms is None:
        return state, []
    due = state.max_seen_ms + condition.timeout_s * 1000
    if now_ms < due:
        return state, []
    state = _copy(state)
    state.active = True
    state.latches = [LatchState(active=True, since_ms=due)]
    return state, [Verdict(ts_ms=due, value=None, score=None, active=True, changed=True)]


def _copy(state: EvaluatorState) -> EvaluatorState:
    """A copy the step functions may change: its lists are new, their items are immutable."""
    return state.model_copy(
        update={
            "pending": list(state.pending),
            "history": list(state.history),
            "latches": list(state.latches),
        }
    )


def _lateness_ms(rule: Rule) -> int:
    return 0 if isinstance(rule.condition, MissingDataCondition) else rule.lateness_s * 1000


def _release(
    state: EvaluatorState, rule: Rule, until_ms: int
) -> tuple[EvaluatorState, list[Verdict]]:
    cut = bisect.bisect_right(state.pending, (until_ms, float("inf")))
    ready, state.pending = state.pending[:cut], state.pending[cut:]
    verdicts: list[Verdict] = []
    for ts_ms, value in ready:
        verdicts.extend(_step(state, rule, ts_ms, value))
    if state.watermark_ms is None or until_ms > state.watermark_ms:
        state.watermark_ms = until_ms
    return state, verdicts


def _step(state: EvaluatorState, rule: Rule, ts_ms: int, value: float) -> list[Verdict]:
    condition = rule.condition
    if isinstance(condition, MissingDataCondition):
        return _step_missing(state, condition, ts_ms, value)
    actives: list[bool] = []
    signals: list[float | None] = []
    for index, leaf in enumerate(leaves(condition)):
        cutoff = ts_ms - getattr(leaf, "window_s", 0) * 1000
        start = bisect.bisect_right(state.history, (cutoff, float("inf")))
        signal = measure(leaf, state.history[start:], ts_ms, value)
        state.latches[index] = _latch(state.latches[index], leaf, signal, ts_ms)
        actives.append(state.latches[index].active)
        signals.append(signal)
    active, score = _combine(condition, iter(actives), signals)
    changed = active != state.active
    state.active = active
    state.last_ts_ms = ts_ms
    _remember(state, rule, ts_ms, value)
    return [Verdict(ts_ms=ts_ms, value=value, score=score, active=active, changed=changed)]


def _step_missing(
    state: EvaluatorState, condition: MissingDataCondition, ts_ms: int, value: float
) -> list[Verdict]:
    verdicts: list[Verdict] = []
    timeout_ms = condition.timeout_s * 1000
    gap_ms = None if state.last_ts_ms is None else ts_ms - state.last_ts_ms
    if not state.active and state.last_ts_ms is not None and ts_ms - state.last_ts_ms >= timeout_ms:
        due = state.last_ts_ms + timeout_ms
        verdicts.append(Verdict(ts_ms=due, value=None, score=None, active=True, changed=True))
        state.active = True
    score = None if gap_ms is None else gap_ms / 1000
    verdicts.append(
        Verdict(ts_ms=ts_ms, value=value, score=score, active=False, changed=state.active)
    )
    state.active = False
    state.latches = [LatchState()]
    state.last_ts_ms = ts_ms
    return verdicts


def _latch(latch: LatchState, leaf: LeafCondition, signal: float | None, ts_ms: int) -> LatchState:
    if signal is None:
        return latch
    if latch.active:
        return LatchState() if clear_holds(leaf, signal) else latch
    if not set_holds(leaf, signal):
        return LatchState()
    since = ts_ms if latch.since_ms is None else latch.since_ms
    duration_ms = getattr(leaf, "duration_s", 0) * 1000
    return LatchState(active=ts_ms - since >= duration_ms, since_ms=since)


def _combine(
    condition: Condition, actives: Iterator[bool], signals: list[float | None]
) -> tuple[bool, float | None]:
    """The rule's state from its leaves; the score is the leaf's signal, or for a composite the
    share of its direct conditions that hold."""
    if not isinstance(condition, CompositeCondition):
        return next(actives), signals[0]
    results = [_holds(child, actives) for child in condition.conditions]
    active = all(results) if condition.op == "and" else any(results)
    return active, sum(results) / len(results)


def _holds(condition: Condition, actives: Iterator[bool]) -> bool:
    if isinstance(condition, CompositeCondition):
        results = [_holds(child, actives) for child in condition.conditions]
        return all(results) if condition.op == "and" else any(results)
    return next(actives)


def _remember(state: EvaluatorState, rule: Rule, ts_ms: int, value: float) -> None:
    window_ms = longest_window_s(rule.condition) * 1000
    if window_ms == 0:
        state.history = []
        return
    state.history.append((ts_ms, value))
    start = bisect.bisect_right(state.history, (ts_ms - window_ms, float("inf")))
    del state.history[: max(start, len(state.history) - MAX_HISTORY_POINTS)]
