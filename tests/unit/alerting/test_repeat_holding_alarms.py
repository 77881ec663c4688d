"""The evaluator's alarm store that holds repeats: a raise, clear or any other change is saved at
once; readings that only repeat an open alarm are saved at most once per hold period, and what is
held shows in every read of this process."""

from dataclasses import replace
from datetime import timedelta

import pytest

from iotsphere.domain.alerting.alarm_handling import acknowledge
from iotsphere.domain.alerting.alarm_lifecycle import clear_alarm, raise_alarm
from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import from_ms
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.alarm_repeats import RepeatHoldingAlarms
from iotsphere.services.alerting.evaluate import evaluate_readings
from tests.unit.alerting.fakes import FakeAlarms, FakeDevices, Fakes
from tests.unit.alerting.rules import T0, make_rule

AT = from_ms(T0)
HOLD_S = 10.0


class CountingAlarms(FakeAlarms):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[list[str]] = []

    def save(self, alarms):
        super().save(alarms)
        if alarms:
            self.writes.append([a.id for a in alarms])


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def rule():
    return make_rule({"type": "threshold", "op": "above", "set": 80, "clear": 75})


@pytest.fixture
def stored():
    return CountingAlarms()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def holding(stored, clock):
    return RepeatHoldingAlarms(stored, hold_s=HOLD_S, clock=clock)


def s(seconds: float):
    return AT + timedelta(seconds=seconds)


def raised_in(store, rule):
    alarm, _ = raise_alarm(None, rule, "d1", s(0), 81, now=s(0))
    store.save([alarm])
    return store.load("org-a", [alarm.id])[alarm.id]


def test_repeats_are_held_and_every_read_of_this_process_shows_them(stored, holding, rule):
    alarm = raised_in(stored, rule)
    stored.writes.clear()
    repeated, _ = raise_alarm(alarm, rule, "d1", s(1), 90, now=s(1))
    holding.save_repeats([repeated])
    assert stored.writes == []
    assert holding.load("org-a", [alarm.id])[alarm.id].count == 2
    assert [a.count for a in holding.open_or_flapping("org-a")] == [2]
    assert stored.saved[alarm.id].count == 1


def test_held_repeats_are_saved_once_the_hold_is_over(stored, holding, clock, rule):
    alarm = raised_in(stored, rule)
    stored.writes.clear()
    for second in range(1, 12):
        current = holding.load("org-a", [alarm.id])[alarm.id]
        repeated, _ = raise_alarm(current, rule, "d1", s(second), 80 + second, now=s(second))
        holding.save_repeats([repeated])
        clock.now += 1
    assert stored.writes == [[alarm.id]]  # at the eleventh repeat, ten seconds after the first
    assert (stored.saved[alarm.id].count, stored.saved[alarm.id].last_value) == (12, 91)
    assert holding.load("org-a", [alarm.id])[alarm.id] == stored.saved[alarm.id]


def test_a_change_saves_at_once_with_the_held_repeats(stored, holding, rule):
    alarm = raised_in(stored, rule)
    repeated, _ = raise_alarm(alarm, rule, "d1", s(1), 90, now=s(1))
    holding.save_repeats([repeated])
    current = holding.load("org-a", [alarm.id])[alarm.id]
    cleared, _ = clear_alarm(current, rule, s(2), 70)
    holding.save([cleared])
    assert (stored.saved[alarm.id].count, stored.saved[alarm.id].is_open) == (2, False)
    assert holding.load("org-a", [alarm.id])[alarm.id] == stored.saved[alarm.id]


def test_a_held_alarm_someone_else_saved_meanwhile_keeps_their_change(stored, holding, clock, rule):
    alarm = raised_in(stored, rule)
    repeated, _ = raise_alarm(alarm, rule, "d1", s(1), 90, now=s(1))
    holding.save_repeats([repeated])
    acked, _ = acknowledge(alarm, "ana", s(1.5))  # the API, from the stored copy
    stored.save([acked])
    assert holding.load("org-a", [alarm.id])[alarm.id].acknowledged_by == "ana"
    clock.now += HOLD_S
    holding.save_repeats([])  # any later save writes what is due, read afresh
    saved = stored.saved[alarm.id]
    assert (saved.count, saved.last_value, saved.acknowledged_by) == (2, 90, "ana")


def test_held_repeats_of_a_closed_episode_are_dropped(stored, holding, clock, rule):
    alarm = raised_in(stored, rule)
    repeated, _ = raise_alarm(alarm, rule, "d1", s(1), 90, now=s(1))
    holding.save_repeats([repeated])
    cleared, _ = clear_alarm(alarm, rule, s(2), 70)  # another instance cleared it
    stored.save([cleared])
    stored.writes.clear()
    clock.now += HOLD_S
    holding.save_repeats([])
    assert stored.writes == []
    assert holding.load("org-a", [alarm.id])[alarm.id] == stored.saved[alarm.id]


def test_a_storm_of_repeats_through_evaluation_writes_each_alarm_once(stored, clock, rule):
    fakes = Fakes(devices=FakeDevices(DeviceProfile(device_id="d1", org_id="org-a")))
    fakes.rules.rules["r1"] = rule
    fakes.alarms = stored
    ports = replace(fakes.ports(), alarms=RepeatHoldingAlarms(stored, HOLD_S, clock))
    for second in range(8):
        reading = ForwardedReading(
            device_id="d1", ts_ms=T0 + second * 1000, metrics={"temperature": 85 + second}
        )
        evaluate_readings(ReadingsBatch(envelope_id=f"e{second}", readings=[reading]), ports, s(9))
        clock.now += 1
    assert len(stored.writes) == 1  # the raise; seven repeats held
    (alarm,) = ports.alarms.load("org-a", list(stored.saved)).values()
    assert (alarm.count, alarm.last_value) == (8, 92)
