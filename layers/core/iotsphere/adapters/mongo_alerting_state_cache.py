"""The evaluator states' device documents as this process last read or wrote them.

A warm worker evaluates the same devices every second; reading their documents back each time
cost the MongoDB-wire server as much as writing them. What is kept here may be stale (another
worker or the sweep saved the device since): that is safe, because a save names the revision it
started from and misses when the stored one moved on; the store then drops the entry and the
next load reads the device again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

from iotsphere.domain.alerting.evaluator_state import EvaluatorState

DEFAULT_MAX_POINTS = 1_000_000  # ~100 MB of Python objects at most
STATE_POINTS = 16  # a state's own fields weigh about as much as 16 points of its history


@dataclass(frozen=True)
class StoredDevice:
    """One device document as this process holds it: the revision it has in the store (0: none
    stored yet) and its states by slot, each with its own revision. ``written`` is what the store
    holds of it: when this process last wrote or read it (``time.monotonic``), and the due time
    for the sweep that copy has; None while nothing is stored. A deferred save changes
    ``states`` and keeps the rest."""

    revision: int
    states: dict[str, EvaluatorState]
    written: Written | None = None
    points: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        weight = 1 + sum(_points(state) for state in self.states.values())
        object.__setattr__(self, "points", weight)


@dataclass(frozen=True)
class Written:
    at: float
    decisions: tuple[object, ...]
    due_ms: int | None  # the document's stored due time (the earliest of its states')


def _points(state: EvaluatorState) -> int:
    """What a state weighs: its own fields, and every point it keeps (the rule's window, the
    windows of the other metrics a composite reads, the readings waiting)."""
    others = sum(len(kept.points) for kept in state.other_history)
    return STATE_POINTS + len(state.history) + others + len(state.pending)


class StoredDevices:
    """Least recently used first out, once the kept states weigh more than ``max_points`` (their
    kept and waiting points, and ``STATE_POINTS`` for each state)."""

    def __init__(self, max_points: int = DEFAULT_MAX_POINTS) -> None:
        self._max_points = max_points
        self._devices: OrderedDict[str, StoredDevice] = OrderedDict()
        self.points = 0

    def get(self, doc_id: str) -> StoredDevice | None:
        device = self._devices.get(doc_id)
        if device is not None:
            self._devices.move_to_end(doc_id)
        return device

    def put(self, doc_id: str, device: StoredDevice) -> None:
        self._drop(doc_id)
        if device.points > self._max_points:
            return
        self._devices[doc_id] = device
        self.points += device.points
        while self.points > self._max_points:
            _, oldest = self._devices.popitem(last=False)
            self.points -= oldest.points

    def drop(self, doc_ids: Iterable[str]) -> None:
        for doc_id in doc_ids:
            self._drop(doc_id)

    def _drop(self, doc_id: str) -> None:
        gone = self._devices.pop(doc_id, None)
        if gone is not None:
            self.points -= gone.points
