"""When the scheduled sweep next has something to do with an evaluator state, so it reads only the
states that are due instead of every state of every device once a minute.

The sweep does two things to a state: it releases readings waiting for the watermark
(``release_until`` at platform time minus ``lateness_s``) and raises a missing-data alarm
(``check_missing``). Each function of ``evaluator`` that changes a state gives it its due time
(``scheduled``), so a saved state always carries the moment it is due.
"""

from __future__ import annotations

from iotsphere.domain.alerting.conditions import MissingDataCondition
from iotsphere.domain.alerting.evaluator_state import EvaluatorState
from iotsphere.domain.alerting.rules import Rule

# A due time that asks the sweep to work out the state's own: a state saved before due times
# existed reads so, and so does every state of a device marked after a rule changed.
DUE_AT_ONCE = 0


def sweep_due_ms(state: EvaluatorState, rule: Rule) -> int | None:
    """The earliest platform time at which the sweep releases a reading of the state or raises
    its missing-data alarm (None: nothing until another reading comes).

    Waiting readings are due when the sweep would release all of them: ``lateness_s`` after the
    newest reading heard (its device time, or the platform time it came if that is earlier, so
    one stamped ahead by a wrong clock does not hold the honest ones back), and never before the
    oldest one's own ``lateness_s``. A device that keeps sending pushes that moment on with each
    reading and its own readings move its watermark, so it is never due: a naive "oldest reading
    plus lateness" is always about now for it, and every sweep would read every such device.
    A quiet device's readings are still all released once its newest one is ``lateness_s`` old.

    A missing-data rule not raised yet is due ``timeout_s`` after its newest reading, or after
    ``silent_since_ms`` when none came; one raised, or one with neither, waits for a reading."""
    due: list[int] = []
    newest = state.max_seen_ms
    if state.pending and newest is not None:
        heard = newest if state.received_ms is None else min(newest, state.received_ms)
        due.append(max(state.pending[0][0], heard) + rule.lateness_s * 1000)
    condition = rule.condition
    silent_since = silence_from(state)
    if (
        isinstance(condition, MissingDataCondition)
        and not state.active
        and silent_since is not None
    ):
        due.append(silent_since + condition.timeout_s * 1000)
    return min(due, default=None)


def silence_from(state: EvaluatorState) -> int | None:
    """Whence a missing-data rule counts the device's silence: its newest reading, or, when none
    came, the moment it started watching a device that never reported (None: neither)."""
    return state.silent_since_ms if state.max_seen_ms is None else state.max_seen_ms


def scheduled(state: EvaluatorState, rule: Rule) -> EvaluatorState:
    """The state with its due time under this rule (itself when that is already the one)."""
    due = sweep_due_ms(state, rule)
    return state if due == state.due_ms else state.model_copy(update={"due_ms": due})
