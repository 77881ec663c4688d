"""The sweep's catch-up: a due state read from the store may be behind its device.

The evaluator defers writing a state whose alarm decision did not change while the stored due
time is well ahead (``MongoEvaluatorStateStore``), and a worker that ends takes its unwritten
states with it; a device that then goes quiet leaves a stored state older than its newest
readings. Before the sweep releases its waiting readings or raises a missing-data alarm, it takes
the readings stored after the state's newest one, as the evaluator does for a restored state:
ingest stores every reading before forwarding it, so InfluxDB knows what the worker knew. One
history read per metric for all the due states of a sweep.
"""

from __future__ import annotations

from collections.abc import Sequence

from iotsphere.domain.alerting.evaluator import accept
from iotsphere.domain.alerting.evaluator_state import EvaluatorState, Verdict
from iotsphere.domain.alerting.rules import Rule
from iotsphere.services.alerting.history_windows import stored_between
from iotsphere.services.alerting.ports import HistoryReader

UNHEARD_BACK_S = 300  # a state that never saw a reading: how far back the sweep looks


def caught_up(
    states: Sequence[tuple[EvaluatorState, Rule]], history: HistoryReader, now_ms: int
) -> list[tuple[EvaluatorState, list[Verdict]]]:
    """Each state (already under its rule as it is now) with the stored readings after its
    newest one and up to ``now_ms`` accepted, and the verdicts they gave; a state with none is
    returned as it is. Readings it saw before come again as late ones and are dropped."""
    found = stored_between(
        [(rule, state.device_id, _after(state, now_ms), now_ms + 1) for state, rule in states],
        history,
    )
    result: list[tuple[EvaluatorState, list[Verdict]]] = []
    for (state, rule), points in zip(states, found, strict=True):
        if not points:
            result.append((state, []))
            continue
        own = points.pop(rule.metric, [])
        result.append(accept(state, rule, own, now_ms=now_ms, others=points))
    return result


def _after(state: EvaluatorState, now_ms: int) -> int:
    if state.max_seen_ms is None:
        return now_ms - UNHEARD_BACK_S * 1000
    return state.max_seen_ms + 1
