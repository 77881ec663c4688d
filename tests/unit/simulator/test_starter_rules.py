"""The rules a newcomer's simulated fleet starts with: a heartbeat, and per simulated kind a
temperature threshold that the simulator's spikes cross and healthy (or worn) readings never
reach, and a vibration threshold that only a wearing device holds for its duration. Seeded once,
into an organization that has no rule yet, through the same validation as ``PUT /v1/rules/{id}``."""

from datetime import UTC, datetime

import pytest

from iotsphere.simulator.device_types import DEVICE_TYPES
from iotsphere.simulator.fleet import FleetOptions, build_fleet
from iotsphere.simulator.registration import ensure_types, type_id
from iotsphere.simulator.starter_rules import add_starter_rules, starter_rules
from tests.unit.alerting.fakes import FakeDevices, Fakes
from tests.unit.alerting.rules import make_rule
from tests.unit.devices.fakes import FakeTypes

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


@pytest.fixture
def fleet():
    return build_fleet(FleetOptions(devices=12, seed=3, failing_fraction=0.25), NOW.timestamp())


@pytest.fixture
def types(fleet):
    types = FakeTypes()
    ensure_types(fleet, "orga", types)
    return types


def thresholds(kind):
    """metric → condition of the kind's threshold rules (the bounds below restate signals.py)"""
    return {
        body["metric"]: body["condition"]
        for body in starter_rules([kind])
        if body["condition"]["type"] == "threshold"
    }


def rules_by_id(fakes):
    return {rule.id: rule for rule in fakes.rules.list_rules("orga")}


def test_an_org_without_rules_gets_a_heartbeat_and_two_thresholds_per_simulated_kind(fleet, types):
    fakes = Fakes(devices=FakeDevices())
    added = add_starter_rules("orga", fleet, fakes.rules, types, fakes.ports(), NOW)
    kinds = {device.profile.device_type for device in fleet}
    metrics = ("temperature", "vibration")
    expected = {"starter-heartbeat"} | {
        f"starter-{type_id(kind)}-{metric}" for kind in kinds for metric in metrics
    }
    assert set(rules_by_id(fakes)) == expected
    assert sorted(added) == sorted(rule.name for rule in rules_by_id(fakes).values())
    assert rules_by_id(fakes)["starter-heartbeat"].condition.type == "missing_data"


def test_an_org_that_has_a_rule_gets_none(fleet, types):
    fakes = Fakes(devices=FakeDevices())
    fakes.rules.save(make_rule({"type": "missing_data", "timeout_s": 60}, id="mine", org_id="orga"))
    assert add_starter_rules("orga", fleet, fakes.rules, types, fakes.ports(), NOW) == []
    assert set(rules_by_id(fakes)) == {"mine"}


@pytest.mark.parametrize("kind", DEVICE_TYPES, ids=lambda kind: kind.name)
def test_a_spike_crosses_the_temperature_threshold_and_a_worn_device_at_its_peak_does_not(kind):
    temperature = thresholds(kind)["temperature"]
    worst_healthy = kind.temperature_c + 3.0 + kind.daily_swing_c + 12.0  # 3 sigma, peak, worn
    smallest_spike = kind.temperature_c - 3.0 - kind.daily_swing_c + 5 * max(kind.temperature_c, 10)
    assert worst_healthy < temperature["clear"] < temperature["set"] < smallest_spike


@pytest.mark.parametrize("kind", DEVICE_TYPES, ids=lambda kind: kind.name)
def test_only_a_wearing_device_holds_the_vibration_threshold(kind):
    vibration = thresholds(kind)["vibration"]
    healthy_peak = kind.vibration_mm_s * 1.25 * 1.1
    worn = kind.vibration_mm_s * 0.8 * (1 - 0.1 + 4.0)  # least vibrating device, night, fully worn
    assert healthy_peak < vibration["clear"] < vibration["set"] < worn
    assert vibration["duration_s"] >= 300  # a single spike never raises it
