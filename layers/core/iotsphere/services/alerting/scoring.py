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
    """Rows are evaluated in timestamp order, in one pass, and answered in their own order; a row
    with the timestamp of an earlier one is the same reading again: no score, the alarm as the
    first one left it."""
    rule = rule.model_copy(update={"lateness_s": 0})
    stamps = [to_ms(at) for at, _ in rows]
    first: dict[int, int] = {}
    for index in sorted(range(len(rows)), key=lambda i: stamps[i]):
        first.setdefault(stamps[index], index)
    points = [(ts_ms, rows[index][1]) for ts_ms, index in first.items()]
    _, verdicts = accept(new_state(rule, "series"), rule, points)
    at_stamp = {verdict.ts_ms: verdict for verdict in verdicts}
    scored = []
    for index, ts_ms in enumerate(stamps):
        verdict = at_stamp[ts_ms]
        score = verdict.score if first[ts_ms] == index else None
        scored.append(ScoredRow(score=score, alarm=verdict.active))
    return scored
