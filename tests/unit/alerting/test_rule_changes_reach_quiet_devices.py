"""A rule saved, enabled or deleted marks its organization's evaluator states due at once, so the
next sweep applies the rule as it is now to devices that stay quiet, instead of waiting for each
state's old due time or its next reading; a marked state with nothing due gets its due time
back and is not read again."""

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


def body(condition, **extra):
    return {
        "name": "watch",
        "scope": {"kind": "all"},
        "metric": "temperature",
        "severity": "major",
        "condition": condition,
        "lateness_s": 0,
        **extra,
    }


@pytest.fixture
def fakes():
    return Fakes(
        devices=FakeDevices(
            DeviceProfile(device_id="quiet", org_id="org-a"),
            DeviceProfile(device_id="elsewhere", org_id="org-b"),
        )
    )


def at(seconds):
    return from_ms(T0) + timedelta(seconds=seconds)


def send(fakes, device_id, second, value=20.0):
    reading = ForwardedReading(
        device_id=device_id, ts_ms=T0 + second * 1000, metrics={"temperature": value}
    )
    batch = ReadingsBatch(envelope_id=f"{device_id}-{second}", readings=[reading])
    return evaluate_readings(batch, fakes.ports(), at(second + 1))


def save(fakes, condition, second, org_id="org-a", **extra):
    return save_rule(
        org_id, "r1", body(condition, **extra), fakes.rules, FakeTypes(), fakes.ports(), at(second)
    )


def swept(fakes, second):
    fakes.states.handed.clear()
    return [
        (t.device_id, t.kind.value, t.at)
        for t in sweep_missing_data(at(second), fakes.ports()).transitions
    ]


def test_a_rule_edited_into_missing_data_raises_for_a_quiet_device_at_the_next_sweep(fakes):
    save(fakes, HOT, 0)
    send(fakes, "quiet", 0)
    assert swept(fakes, 60) == []  # nothing is due under a threshold
    save(fakes, {"type": "missing_data", "timeout_s": 60}, 100)
    assert swept(fakes, 120) == [("quiet", "raised", at(60))]
    assert swept(fakes, 180) == []
    assert fakes.states.handed == []  # raised: nothing due until a reading comes


def test_a_shorter_timeout_takes_effect_at_the_next_sweep_not_at_the_old_due_time(fakes):
    save(fakes, {"type": "missing_data", "timeout_s": 3600}, 0)
    send(fakes, "quiet", 0)
    assert swept(fakes, 120) == []
    save(fakes, {"type": "missing_data", "timeout_s": 60}, 150)
    assert swept(fakes, 180) == [("quiet", "raised", at(60))]


def test_a_marked_state_with_nothing_due_gets_its_due_time_back_and_is_not_read_again(fakes):
    save(fakes, {"type": "missing_data", "timeout_s": 3600}, 0)
    send(fakes, "quiet", 0)
    save(fakes, {"type": "missing_data", "timeout_s": 1800}, 100)
    assert swept(fakes, 120) == []
    assert [key[2] for key in fakes.states.handed] == ["quiet"]  # read once, for the new rule
    (state,) = fakes.states.saved.values()
    assert state.due_ms == T0 + 1_800_000
    assert swept(fakes, 180) == []
    assert fakes.states.handed == []


def test_a_marked_state_of_a_rule_with_nothing_due_is_saved_without_a_due_time(fakes):
    save(fakes, HOT, 0)
    send(fakes, "quiet", 0)
    save(fakes, {**HOT, "set": 90}, 100)
    assert swept(fakes, 120) == []
    assert [key[2] for key in fakes.states.handed] == ["quiet"]
    (state,) = fakes.states.saved.values()
    assert state.due_ms is None
    assert swept(fakes, 180) == []
    assert fakes.states.handed == []


def test_saving_enabling_and_deleting_mark_only_the_callers_organization(fakes):
    save(fakes, HOT, 0)
    save(fakes, HOT, 0, org_id="org-b")
    send(fakes, "quiet", 0)
    send(fakes, "elsewhere", 0)
    for change in (
        lambda: save(fakes, HOT, 10, enabled=False),
        lambda: save(fakes, HOT, 20),
        lambda: delete_rule("org-a", "r1", fakes.rules, fakes.ports()),
    ):
        change()
        swept(fakes, 30)
        assert [key[2] for key in fakes.states.handed] == ["quiet"]


def test_a_device_heard_within_the_write_deferral_is_left_to_the_evaluator_until_then(fakes):
    """Its stored copy may lag the readings the evaluator holds (a store defers writes for up to
    ``STATE_DEFERRAL_S``): a missing-data verdict on it could be false. It stays marked and is
    swept once it has been quiet for that long."""
    save(fakes, HOT, 0)
    for second in range(0, 100, 10):
        send(fakes, "quiet", second)  # the last one at 90 s, heard at 91 s
    save(fakes, {"type": "missing_data", "timeout_s": 10}, 100)
    assert swept(fakes, 110) == []
    assert swept(fakes, 121) == [("quiet", "raised", at(100))]
