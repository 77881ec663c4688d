import itertools

import pytest

from iotsphere.simulator.schedule import LOOKAHEAD_S, RateSchedule, Slot, pace

START = 1_795_000_000.0


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def wait(self, timeout: float) -> None:
        self.waits.append(timeout)
        self.now += max(timeout, 0.0001)


def run(
    schedule: RateSchedule, clock: FakeClock, until: float | None = None
) -> list[tuple[float, Slot]]:
    emitted: list[tuple[float, Slot]] = []
    pace(
        schedule,
        clock,
        clock.wait,
        lambda slot: emitted.append((clock.now, slot)),
        should_stop=lambda: until is not None and clock.now >= until,
    )
    return emitted


def test_slots_go_round_robin_over_the_devices():
    schedule = RateSchedule(devices=3, rate=2.0, start_s=START)
    slots = [schedule.slot(k) for k in range(7)]
    assert [(s.device, s.seq) for s in slots] == [
        (0, 0),
        (1, 0),
        (2, 0),
        (0, 1),
        (1, 1),
        (2, 1),
        (0, 2),
    ]
    assert [s.epoch_ms - int(START * 1000) for s in slots[:4]] == [0, 166, 333, 500]


def test_each_device_sends_at_the_rate_with_distinct_timestamps():
    schedule = RateSchedule(devices=7, rate=1000.0, start_s=START + 0.0004)
    by_device: dict[int, list[int]] = {}
    for k in range(7 * 500):
        slot = schedule.slot(k)
        by_device.setdefault(slot.device, []).append(slot.epoch_ms)
    for stamps in by_device.values():
        assert all(b - a == 1 for a, b in itertools.pairwise(stamps))


def test_the_count_stops_every_device_after_that_many_readings():
    clock = FakeClock(START)
    emitted = run(RateSchedule(devices=4, rate=10.0, start_s=START, count=5), clock)
    assert len(emitted) == 20
    assert {slot.seq for _, slot in emitted} == set(range(5))
    assert clock.now == pytest.approx(START + 19 / 40, abs=0.01)


def test_slots_leave_when_due_never_much_earlier():
    clock = FakeClock(START)
    emitted = run(RateSchedule(devices=50, rate=20.0, start_s=START, duration_s=2.0), clock)
    assert len(emitted) == 50 * 20 * 2
    for sent_at, slot in emitted:
        assert slot.due_s - LOOKAHEAD_S <= sent_at <= slot.due_s + 0.01
    assert max(clock.waits) <= 0.05


def test_a_late_loop_catches_up_in_bursts_and_keeps_serving():
    clock = FakeClock(START + 10.0)  # ten seconds behind
    emitted = run(RateSchedule(devices=10, rate=100.0, start_s=START, count=200), clock)
    assert len(emitted) == 2000
    assert [slot.index for _, slot in emitted] == list(range(2000))
    assert clock.waits.count(0.0) >= 2000 // 256


def test_stop_ends_an_endless_schedule():
    clock = FakeClock(START)
    emitted = run(RateSchedule(devices=2, rate=5.0, start_s=START), clock, until=START + 3.0)
    assert 29 <= len(emitted) <= 31


@pytest.mark.parametrize(("devices", "rate"), [(0, 1.0), (1, 0.0), (1, 1001.0)])
def test_a_schedule_needs_devices_and_a_sane_rate(devices, rate):
    with pytest.raises(ValueError, match="rate"):
        RateSchedule(devices=devices, rate=rate, start_s=START)
