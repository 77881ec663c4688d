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
from collections.abc import Iterable

from iotsphere.domain.alerting.conditions import (
    MissingDataCondition,
    leaves,
    longest_window_s,
)
from iotsphere.domain.alerting.evaluator_state import (
    MAX_HISTORY_POINTS,
    EvaluatorState,
    LatchState,
    Verdict,
)
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.signals import Point
from iotsphere.domain.alerting.steps import step
from iotsphere.domain.alerting.transitions import digest


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
        verdicts.extend(step(state, rule, ts_ms, value))
    if state.watermark_ms is None or until_ms > state.watermark_ms:
        state.watermark_ms = until_ms
    return state, verdicts
