"""One batch evaluated as parts of disjoint devices at once: the same alarms and transitions as
one evaluation, every reading of a device in the same part."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import from_ms
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.evaluate_in_parts import evaluate_in_parts, parts_of
from tests.unit.alerting.fakes import FakeDevices, Fakes
from tests.unit.alerting.rules import T0, make_rule

NOW = from_ms(T0) + timedelta(minutes=5)
DEVICES = [f"pump-{i}" for i in range(12)]


def fleet():
    found = Fakes(
        devices=FakeDevices(*(DeviceProfile(device_id=d, org_id="org-a") for d in DEVICES))
    )
    found.rules.rules["r1"] = make_rule(
        {"type": "threshold", "op": "above", "set": 80, "clear": 75}
    )
    return found


def readings():
    """Every device crosses up and back down, its readings shuffled among the others'."""
    values = [70, 85, 90, 60]
    return ReadingsBatch(
        envelope_id="e1",
        readings=[
            ForwardedReading(device_id=d, ts_ms=T0 + s * 1000, metrics={"temperature": v})
            for s, v in reversed(list(enumerate(values)))
            for d in DEVICES
        ]
        + [ForwardedReading(device_id="ghost", ts_ms=T0, metrics={"temperature": 99.0})],
    )


def test_parts_hold_every_reading_once_and_each_device_in_one_part():
    batch = readings()
    parts = parts_of(batch, 3)
    assert sorted(len(p.readings) for p in parts) != [0, 0, len(batch.readings)]
    assert sorted((r.device_id, r.ts_ms) for p in parts for r in p.readings) == sorted(
        (r.device_id, r.ts_ms) for r in batch.readings
    )
    owners = {r.device_id: n for n, p in enumerate(parts) for r in p.readings}
    assert all(owners[r.device_id] == n for n, p in enumerate(parts) for r in p.readings)


def test_in_parts_the_alarms_and_transitions_are_those_of_one_evaluation():
    whole, split = fleet(), fleet()
    expected = evaluate_readings(readings(), whole.ports(), NOW)
    with ThreadPoolExecutor(max_workers=3) as pool:
        result = evaluate_in_parts(readings(), split.ports(), NOW, pool, parts=3)
    assert (result.readings, result.unknown_devices, result.evaluated, result.late_dropped) == (
        expected.readings,
        expected.unknown_devices,
        expected.evaluated,
        expected.late_dropped,
    )
    assert sorted(t.key for t in result.transitions) == sorted(t.key for t in expected.transitions)
    assert len(result.transitions) == 2 * len(DEVICES)
    assert split.alarms.saved == whole.alarms.saved


def test_a_part_that_fails_fails_the_whole_batch_after_the_others_finished():
    fakes = fleet()
    save = fakes.states.save

    def fails_for_pump_0(states):
        if any(s.device_id == "pump-0" for s in states):
            raise ConnectionError("state store down")
        save(states)

    fakes.states.save = fails_for_pump_0
    with ThreadPoolExecutor(max_workers=2) as pool, pytest.raises(ConnectionError):
        evaluate_in_parts(readings(), fakes.ports(), NOW, pool, parts=2)
    saved = {device_id for (_, _, device_id, _) in fakes.states.saved}
    assert "pump-0" not in saved
    assert saved  # the other part was saved: its redelivered readings are late, not lost
