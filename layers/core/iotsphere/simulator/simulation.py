"""A run: the fleet's messages, paced by the schedule, through one publisher, until done."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from aws_lambda_powertools import Logger

from iotsphere.simulator.fleet import SimulatedDevice
from iotsphere.simulator.schedule import RateSchedule, Slot, pace
from iotsphere.simulator.stats import RunStats

log = Logger(service="simulator", child=True)


class Publisher(Protocol):
    acked: int
    refused: int
    pending: dict[int, tuple[str, int]]

    def publish(self, topic: str, payload: bytes, tag: tuple[str, int]) -> None: ...

    def serve(self, timeout_s: float) -> None: ...

    def wait_for_acks(self, timeout_s: float) -> bool: ...

    def close(self) -> None: ...


def unacked_by_device(publisher: Publisher) -> dict[str, list[int]]:
    unacked: dict[str, list[int]] = {}
    for device_id, seq in publisher.pending.values():
        unacked.setdefault(device_id, []).append(seq)
    return unacked


def run_simulation(
    fleet: list[SimulatedDevice],
    schedule: RateSchedule,
    publisher: Publisher,
    should_stop: Callable[[], bool] = lambda: False,
    clock: Callable[[], float] = time.time,
    log_every_s: float = 10.0,
) -> RunStats:
    """Publish every due reading until the schedule ends or ``should_stop``; acks not awaited."""
    stats = RunStats()
    next_log = clock() + log_every_s

    def emit(slot: Slot) -> None:
        message = fleet[slot.device].message(slot.seq, slot.epoch_ms)
        stats.record(message)
        if message.payload is not None:
            publisher.publish(message.topic, message.payload, (message.device_id, message.seq))

    def serve(timeout_s: float) -> None:
        nonlocal next_log
        publisher.serve(timeout_s)
        if clock() >= next_log:
            next_log += log_every_s
            log.info("simulator progress", extra=progress(stats, publisher))

    pace(schedule, clock, serve, emit, should_stop)
    return stats


def progress(stats: RunStats, publisher: Publisher) -> dict[str, int]:
    stats.acked, stats.refused = publisher.acked, publisher.refused
    return {
        "published": stats.published,
        "acked": stats.acked,
        "pending": len(publisher.pending),
        "malformed": stats.malformed,
    }
