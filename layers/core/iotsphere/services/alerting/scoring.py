"""Series scoring for offline evaluation: each row of a series with the rule's score and whether
its alarm would be active at that row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from iotsphere.domain.alerting.evaluator import accept, new_state
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.alerting.transitions import to_ms


@dataclass(frozen=True)
class ScoredRow:
    score: float | None
    alarm: bool


def score_series(rule: Rule, rows: Sequence[tuple[datetime, float]]) -> list[ScoredRow]:
    """Rows are evaluated in timestamp order and answered in their own order; a row with the
    timestamp of an earlier one is the same reading again: no score, the alarm as it stands."""
    rule = rule.model_copy(update={"lateness_s": 0})
    state = new_state(rule, "series")
    scored: list[ScoredRow | None] = [None] * len(rows)
    for index in sorted(range(len(rows)), key=lambda i: rows[i][0]):
        at, value = rows[index]
        state, verdicts = accept(state, rule, [(to_ms(at), value)])
        last = verdicts[-1] if verdicts else None
        scored[index] = ScoredRow(
            score=None if last is None else last.score,
            alarm=state.active if last is None else last.active,
        )
    return [row for row in scored if row is not None]
