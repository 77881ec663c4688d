"""One reading through a rule, in time order: leaf signals, latches, the rule's state, the window
kept for the next reading. These functions change the state they are given (a fresh copy the
evaluator made)."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping

from iotsphere.domain.alerting.conditions import (
    CompositeCondition,
    Condition,
    LeafCondition,
    MissingDataCondition,
    leaf_metric,
    leaves,
    windows_by_metric,
)
from iotsphere.domain.alerting.evaluator_state import (
    MAX_HISTORY_POINTS,
    EvaluatorState,
    LatchState,
    MetricHistory,
    Verdict,
)
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.signals import Point, clear_holds, measure, set_holds


def step(
    state: EvaluatorState, rule: Rule, ts_ms: int, values: Mapping[str, float]
) -> list[Verdict]:
    """One reading: ``values`` holds the metrics it carries among those the rule reads. A leaf
    whose metric the reading lacks keeps its latch (nothing new was said about it); a leaf that
    never had data is not true."""
    condition = rule.condition
    value = values.get(rule.metric)
    if isinstance(condition, MissingDataCondition):
        return _step_missing(state, condition, ts_ms, values[rule.metric])
    actives: list[bool] = []
    signals: list[float | None] = []
    for index, leaf in enumerate(leaves(condition)):
        metric = leaf_metric(leaf, rule.metric)
        reading = values.get(metric)
        signal = None
        if reading is not None:
            history = history_of(state, metric)
            cutoff = ts_ms - getattr(leaf, "window_s", 0) * 1000
            start = bisect.bisect_right(history, (cutoff, float("inf")))
            signal = measure(leaf, history[start:], ts_ms, reading)
            state.latches[index] = _latch(state.latches[index], leaf, signal, ts_ms)
        actives.append(state.latches[index].active)
        signals.append(signal)
    active, score = _combine(condition, iter(actives), signals)
    changed = active != state.active
    state.active = active
    state.last_ts_ms = ts_ms
    _remember(state, rule, ts_ms, values)
    return [Verdict(ts_ms=ts_ms, value=value, score=score, active=active, changed=changed)]


def history_of(state: EvaluatorState, metric: str) -> list[Point]:
    """The kept window of a metric the rule reads (a new, empty one the first time)."""
    if metric == state.metric:
        return state.history
    for kept in state.other_history:
        if kept.metric == metric:
            return kept.points
    state.other_history.append(MetricHistory(metric=metric))
    return state.other_history[-1].points


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
        state.latches = [LatchState(active=True, since_ms=due)]
    score = None if gap_ms is None else gap_ms / 1000
    raised_at = state.latches[0].since_ms if state.active else None
    # A reading stamped before the sweep's raise (it came late) clears just after the raise:
    # an alarm's changes never go back in time.
    cleared_at = ts_ms if raised_at is None or ts_ms > raised_at else raised_at + 1
    verdicts.append(
        Verdict(ts_ms=cleared_at, value=value, score=score, active=False, changed=state.active)
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


def _remember(state: EvaluatorState, rule: Rule, ts_ms: int, values: Mapping[str, float]) -> None:
    windows = windows_by_metric(rule.condition, rule.metric)
    for metric, value in values.items():
        window_ms = windows.get(metric, 0) * 1000
        if window_ms == 0:
            if metric == state.metric:
                state.history = []
            continue
        history = history_of(state, metric)
        history.append((ts_ms, value))
        start = bisect.bisect_right(history, (ts_ms - window_ms, float("inf")))
        del history[: max(start, len(history) - MAX_HISTORY_POINTS)]
