"""When each reading is due: the whole fleet on one round-robin timeline, paced by one loop.

Slot ``k`` belongs to device ``k % devices`` (its reading ``k // devices``) and is due at
``start + k / (devices * rate)``: the fleet's readings are spread evenly, every device at ``rate``
per second. A device's timestamp is its slot's due time, so it does not depend on how late the
message left, and readings of one device are at least a millisecond apart (rate <= 1000).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

MAX_RATE_PER_DEVICE = 1000.0  # device timestamps are milliseconds
MAX_WAIT_S = 0.05  # poll the broker connection at least this often while idle
MAX_BURST = 256  # when behind, still read acks every so many messages
LOOKAHEAD_S = 0.002  # send what is due this soon now: at high rates, a wait per many slots


@dataclass(frozen=True)
class Slot:
    index: int
    device: int
    seq: int
    due_s: float
    epoch_ms: int


@dataclass(frozen=True)
class RateSchedule:
    devices: int
    rate: float  # readings per second per device
    start_s: float  # epoch seconds
    count: int = 0  # readings per device; 0 = no limit
    duration_s: float | None = None

    def __post_init__(self) -> None:
        if self.devices < 1 or not 0 < self.rate <= MAX_RATE_PER_DEVICE:
            raise ValueError(
                f"need at least one device and 0 < rate <= {MAX_RATE_PER_DEVICE:g} per device"
            )

    def due_s(self, index: int) -> float:
        return self.start_s + index / (self.devices * self.rate)

    def slot(self, index: int) -> Slot:
        due = self.due_s(index)
        seq, device = divmod(index, self.devices)
        epoch_ms = math.floor(self.start_s * 1000 + index * 1000 / (self.devices * self.rate))
        return Slot(index, device, seq, due, epoch_ms)

    def finished(self, index: int) -> bool:
        if self.count and index >= self.count * self.devices:
            return True
        return self.duration_s is not None and self.due_s(index) >= self.start_s + self.duration_s


def pace(
    schedule: RateSchedule,
    clock: Callable[[], float],
    wait: Callable[[float], None],
    emit: Callable[[Slot], None],
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Emit every slot when it is due (up to ``LOOKAHEAD_S`` early); between slots ``wait`` (serve
    the connection) until the next is. A loop that fell behind catches up in bursts, serving the
    connection between them. Returns the number of slots emitted."""
    index = 0
    while not schedule.finished(index) and not should_stop():
        horizon = clock() + LOOKAHEAD_S
        burst_end = index + MAX_BURST
        while (
            index < burst_end and not schedule.finished(index) and schedule.due_s(index) <= horizon
        ):
            emit(schedule.slot(index))
            index += 1
        if schedule.finished(index):
            break
        wait(min(max(schedule.due_s(index) - clock(), 0.0), MAX_WAIT_S))
    return index
