"""One batch of readings evaluated as parts of disjoint devices at once.

Most of an evaluation's time is spent waiting for the state store's write; while one part waits,
the next is evaluated. Parts never share a device, so they never share an evaluator state or an
alarm, and each part is evaluated in device-time order as a whole batch would be.
"""

from __future__ import annotations

import zlib
from concurrent.futures import Executor, wait
from datetime import datetime

from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.evaluate import EvaluationResult, evaluate_readings
from iotsphere.services.alerting.ports import AlertingPorts

PARTS = 2  # one part is evaluated while the other waits for its states to be written


def parts_of(batch: ReadingsBatch, parts: int) -> list[ReadingsBatch]:
    """The batch's readings in ``parts`` batches, each device's readings in one of them (the
    same one for a device every time); empty parts left out."""
    split: list[list[ForwardedReading]] = [[] for _ in range(parts)]
    for reading in batch.readings:
        split[zlib.crc32(reading.device_id.encode()) % parts].append(reading)
    return [ReadingsBatch(envelope_id=batch.envelope_id, readings=r) for r in split if r]


def evaluate_in_parts(
    batch: ReadingsBatch, ports: AlertingPorts, now: datetime, pool: Executor, parts: int
) -> EvaluationResult:
    """``evaluate_readings`` of each part on ``pool``; the ports must bear being used from its
    threads. A part that fails raises once every part has finished: what the others saved stays
    saved, and a redelivery finds their readings behind the watermark."""
    futures = [pool.submit(evaluate_readings, part, ports, now) for part in parts_of(batch, parts)]
    wait(futures)
    results = [future.result() for future in futures]  # the first error raises
    return EvaluationResult(
        readings=sum(r.readings for r in results),
        unknown_devices=sum(r.unknown_devices for r in results),
        evaluated=sum(r.evaluated for r in results),
        late_dropped=sum(r.late_dropped for r in results),
        transitions=[t for r in results for t in r.transitions],
    )
