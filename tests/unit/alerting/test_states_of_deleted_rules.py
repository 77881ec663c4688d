"""The sweep takes the evaluator states of a deleted rule out of their device documents when it
reads them (deleting a rule marks the organization's documents due, so it reads them all); a
disabled rule's states stay, set aside, for when it is enabled again."""

from datetime import timedelta

import pytest

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import from_ms
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.rule_admin import delete_rule, save_rule
from iotsphere.services.alerting.sweep import sweep_missing_data
from tests.unit.alerting.fakes import FakeDevices, Fakes
from tests.unit.alerting.rules import T0
from tests.unit.devices.fakes import FakeTypes

HOT = {"type": "threshold", "op": "above", "set": 80}
HEARTBEAT = {"type": "missing_data", "timeout_s": 3600}


@pytest.fixture
def fakes():
    return Fakes(
        devices=FakeDevices(
            DeviceProfile(device_id="d1", org_id="org-a"),
            DeviceProfile(device_id="d2", org_id="org-a"),
        )
    )


def at(seconds):
    return from_ms(T0) + timedelta(seconds=seconds)


def save(fakes, rule_id, condition, second, **extra):
    body = {
        "name": rule_id,
        "scope": {"kind": "all"},
        "metric": "temperature",
        "severity": "major",
        "condition": condition,
        "lateness_s": 0,
        **extra,
    }
    save_rule("org-a", rule_id, body, fakes.rules, FakeTypes(), fakes.ports(), at(second))


def send(fakes, device_id, second):
    reading = ForwardedReading(
        device_id=device_id, ts_ms=T0 + second * 1000, metrics={"temperature": 20.0}
    )
    batch = ReadingsBatch(envelope_id=f"{device_id}-{second}", readings=[reading])
    evaluate_readings(batch, fakes.ports(), at(second + 1))


def stored(fakes):
    return sorted((key[1], key[2]) for key in fakes.states.saved)


def test_a_deleted_rules_states_are_removed_and_the_other_rules_states_kept(fakes):
    save(fakes, "hot", HOT, 0)
    save(fakes, "beat", HEARTBEAT, 0)
    send(fakes, "d1", 0)
    send(fakes, "d2", 0)
    delete_rule("org-a", "hot", fakes.rules, fakes.ports())
    sweep_missing_data(at(100), fakes.ports())
    assert stored(fakes) == [("beat", "d1"), ("beat", "d2")]
    fakes.states.handed.clear()
    sweep_missing_data(at(160), fakes.ports())
    assert fakes.states.handed == []  # removed once, nothing left due


def test_a_device_left_without_states_has_none_stored(fakes):
    save(fakes, "hot", HOT, 0)
    send(fakes, "d1", 0)
    delete_rule("org-a", "hot", fakes.rules, fakes.ports())
    sweep_missing_data(at(100), fakes.ports())
    assert stored(fakes) == []


def test_a_disabled_rules_states_stay_and_serve_it_when_it_is_enabled_again(fakes):
    save(fakes, "beat", {"type": "missing_data", "timeout_s": 60}, 0)
    send(fakes, "d1", 0)
    save(fakes, "beat", {"type": "missing_data", "timeout_s": 60}, 10, enabled=False)
    assert sweep_missing_data(at(100), fakes.ports()).transitions == []
    assert stored(fakes) == [("beat", "d1"), ("beat", "d2")]  # d2 never reported
    save(fakes, "beat", {"type": "missing_data", "timeout_s": 60}, 200)
    raised = sweep_missing_data(at(220), fakes.ports()).transitions
    assert [(t.device_id, t.kind.value, t.at) for t in raised] == [("d1", "raised", at(60))]


def test_a_device_still_heard_loses_the_deleted_rules_state_and_stays_marked(fakes):
    """Removing is safe on a copy that may lag the evaluator's (the state is gone either way),
    and leaves the device marked, so the other states are swept once it has been quiet."""
    save(fakes, "hot", HOT, 0)
    save(fakes, "beat", {"type": "missing_data", "timeout_s": 10}, 0)
    for second in range(0, 100, 5):
        send(fakes, "d1", second)
    delete_rule("org-a", "hot", fakes.rules, fakes.ports())
    raised = sweep_missing_data(at(100), fakes.ports()).transitions
    assert [t.device_id for t in raised] == ["d2"]  # it never reported
    assert stored(fakes) == [("beat", "d1"), ("beat", "d2")]
    assert ("org-a", "d1") in fakes.states.marked
