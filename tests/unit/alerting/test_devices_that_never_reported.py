"""A missing-data rule raises for a device in its scope that never sent the metric: its silence
counts from the later of the rule's save (or enable) and the device's registration. Saving the
rule seeds a state for each such device; the sweep seeds those registered since, asking the
registry every minute only for recent registrations, and for all of an organization's devices
once an hour."""

from datetime import timedelta

import pytest

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import from_ms, to_ms
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.rule_admin import save_rule
from iotsphere.services.alerting.silent_devices import (
    RECENT_S,
    reconciles_whole_registry,
    watch_silent_devices,
)
from iotsphere.services.alerting.sweep import sweep_missing_data
from tests.unit.alerting.fakes import FakeDevices, Fakes
from tests.unit.alerting.rules import T0, make_rule
from tests.unit.devices.fakes import FakeTypes

HEARTBEAT = {"type": "missing_data", "timeout_s": 60}


@pytest.fixture
def fakes():
    return Fakes(devices=FakeDevices())


def at(seconds):
    return from_ms(T0) + timedelta(seconds=seconds)


def register(fakes, device_id, second, groups=(), org_id="org-a"):
    profile = DeviceProfile(device_id=device_id, org_id=org_id, groups=frozenset(groups))
    fakes.devices.add(profile, T0 + second * 1000)


def save(fakes, second, condition=HEARTBEAT, **extra):
    body = {
        "name": "heartbeat",
        "scope": {"kind": "all"},
        "metric": "temperature",
        "severity": "major",
        "condition": condition,
        "lateness_s": 0,
        **extra,
    }
    save_rule("org-a", "hb", body, fakes.rules, FakeTypes(), fakes.ports(), at(second))


def swept(fakes, second):
    result = sweep_missing_data(at(second), fakes.ports())
    return [(t.device_id, t.kind.value, t.at) for t in result.transitions]


def test_a_device_registered_before_the_rule_is_silent_from_the_rules_save(fakes):
    register(fakes, "never", -3600)
    save(fakes, 100)
    assert swept(fakes, 159) == []
    assert swept(fakes, 160) == [("never", "raised", at(160))]  # exactly at the timeout
    assert swept(fakes, 220) == []  # raised once
    reading = ForwardedReading(device_id="never", ts_ms=T0 + 230_000, metrics={"temperature": 1})
    result = evaluate_readings(
        ReadingsBatch(envelope_id="e", readings=[reading]), fakes.ports(), at(231)
    )
    assert [(t.kind.value, t.at) for t in result.transitions] == [("cleared", at(230))]


def test_a_device_registered_after_the_rule_is_silent_from_its_registration(fakes):
    save(fakes, 0)
    register(fakes, "late", 100)
    assert swept(fakes, 120) == []
    assert swept(fakes, 159) == []
    assert swept(fakes, 160) == [("late", "raised", at(160))]


def test_a_device_registered_longer_ago_than_the_timeout_raises_at_the_first_sweep(fakes):
    save(fakes, 0)
    register(fakes, "late", 100)
    assert swept(fakes, 300) == [("late", "raised", at(160))]  # dated by its registration


def test_a_device_out_of_the_rules_scope_is_not_watched(fakes):
    register(fakes, "fan", -3600, groups=["fans"])
    register(fakes, "pump", -3600, groups=["pumps"])
    save(fakes, 0, scope={"kind": "group", "value": "pumps"})
    register(fakes, "fan-2", 10, groups=["fans"])
    register(fakes, "other-org", 10, groups=["pumps"], org_id="org-b")
    assert swept(fakes, 1000) == [("pump", "raised", at(60))]
    assert sorted(key[2] for key in fakes.states.saved) == ["pump"]


def test_a_disabled_rule_watches_nothing_until_it_is_enabled(fakes):
    register(fakes, "never", -3600)
    save(fakes, 0, enabled=False)
    assert swept(fakes, 1000) == []
    assert fakes.states.saved == {}
    save(fakes, 1000)
    assert swept(fakes, 1059) == []
    assert swept(fakes, 1060) == [("never", "raised", at(1060))]


def test_saving_again_restarts_a_silence_not_raised_yet_and_keeps_a_raised_alarm(fakes):
    register(fakes, "never", -3600)
    save(fakes, 0)
    save(fakes, 30, name="renamed")
    assert swept(fakes, 89) == []
    assert swept(fakes, 90) == [("never", "raised", at(90))]
    save(fakes, 200)
    assert swept(fakes, 400) == []


def test_a_rule_saved_with_another_condition_seeds_nothing(fakes):
    register(fakes, "never", -3600)
    save(fakes, 0, condition={"type": "threshold", "op": "above", "set": 80})
    assert fakes.states.saved == {}


def test_every_minute_the_registry_is_asked_only_for_recent_registrations(fakes):
    register(fakes, "never", -3600)
    fakes.rules.save(make_rule(HEARTBEAT, id="hb"))  # as if its save seeded nothing
    minute = next(s for s in range(0, 3600, 60) if not reconciles_whole_registry("org-a", at(s)))
    fakes.devices.registry_reads.clear()
    assert swept(fakes, minute) == []
    assert fakes.devices.registry_reads == [("org-a", to_ms(at(minute)) - RECENT_S * 1000)]
    assert fakes.states.reloads == []  # nobody registered lately: no state read


def test_once_an_hour_the_whole_registry_is_reconciled_from_that_sweep(fakes):
    """A device whose rule's save seeded nothing (or that came into scope later) is counted from
    the sweep that finds it."""
    register(fakes, "never", -86_400)
    fakes.rules.save(make_rule(HEARTBEAT, id="hb"))
    minute = next(s for s in range(0, 3600, 60) if reconciles_whole_registry("org-a", at(s)))
    assert swept(fakes, minute) == []
    assert fakes.devices.registry_reads[-1] == ("org-a", None)
    assert swept(fakes, minute + 60) == [("never", "raised", at(minute + 60))]


def test_a_save_that_loses_to_the_evaluator_is_made_again_from_what_it_stored(fakes):
    """The device's first reading was evaluated between the save's read and its write: the
    state it stored has heard the device, so its silence is not restarted."""
    register(fakes, "never", -3600)
    rule = make_rule(HEARTBEAT, id="hb")
    fakes.rules.save(rule)
    states, saves = fakes.states, fakes.states.save

    def first_loses(watched):
        states.save = saves
        reading = ForwardedReading(device_id="never", ts_ms=T0, metrics={"temperature": 1.0})
        evaluate_readings(ReadingsBatch(envelope_id="e", readings=[reading]), fakes.ports(), at(1))
        saves(watched)

    states.save = first_loses
    assert watch_silent_devices(rule, T0 + 2000, fakes.ports()) == 0
    (state,) = states.saved.values()
    assert (state.max_seen_ms, state.silent_since_ms) == (T0, None)
