from datetime import timedelta

import pytest

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import from_ms
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.sweep import sweep_missing_data
from tests.unit.alerting.fakes import FakeDevices, Fakes
from tests.unit.alerting.rules import T0, make_rule


@pytest.fixture
def fakes():
    return Fakes(devices=FakeDevices(DeviceProfile(device_id="pump-1", org_id="org-a")))


def at(seconds):
    return from_ms(T0) + timedelta(seconds=seconds)


def readings(*pairs):
    return ReadingsBatch(
        envelope_id="e",
        readings=[
            ForwardedReading(device_id="pump-1", ts_ms=T0 + s * 1000, metrics={"temperature": v})
            for s, v in pairs
        ],
    )


def kinds(result):
    return [(t.kind.value, t.at) for t in result.transitions]


def test_the_sweep_raises_missing_data_once_and_a_reading_clears_it(fakes):
    fakes.rules.rules["hb"] = make_rule({"type": "missing_data", "timeout_s": 300}, id="hb")
    evaluate_readings(readings((0, 20)), fakes.ports(), at(1))
    assert kinds(sweep_missing_data(at(299), fakes.ports())) == []
    assert kinds(sweep_missing_data(at(400), fakes.ports())) == [("raised", at(300))]
    assert kinds(sweep_missing_data(at(500), fakes.ports())) == []
    result = evaluate_readings(readings((450, 20)), fakes.ports(), at(451))
    assert [(t.kind.value, t.at) for t in result.transitions] == [("cleared", at(450))]
    assert len(fakes.notifications.bodies) == 2


def test_the_sweep_releases_readings_that_waited_past_their_lateness(fakes):
    fakes.rules.rules["r1"] = make_rule(
        {"type": "threshold", "op": "above", "set": 80}, lateness_s=60
    )
    assert evaluate_readings(readings((0, 90)), fakes.ports(), at(1)).transitions == []
    assert kinds(sweep_missing_data(at(59), fakes.ports())) == []
    assert kinds(sweep_missing_data(at(60), fakes.ports())) == [("raised", at(0))]


def test_the_sweep_escalates_unacknowledged_alarms_once_per_step(fakes):
    fakes.rules.rules["r1"] = make_rule(
        {"type": "threshold", "op": "above", "set": 80},
        escalation=[{"after_s": 600, "severity": "critical", "notify": "oncall"}],
    )
    evaluate_readings(readings((0, 90)), fakes.ports(), at(10))
    assert kinds(sweep_missing_data(at(609), fakes.ports())) == []
    result = sweep_missing_data(at(700), fakes.ports())
    assert [(t.kind.value, t.target, t.severity.value) for t in result.transitions] == [
        ("escalated", "oncall", "critical")
    ]
    assert kinds(sweep_missing_data(at(800), fakes.ports())) == []
    (alarm,) = fakes.alarms.saved.values()
    assert alarm.severity.value == "critical"


def test_the_sweep_ends_flapping_after_the_settle_time(fakes):
    fakes.rules.rules["r1"] = make_rule(
        {"type": "threshold", "op": "above", "set": 80},
        flap={"transitions": 3, "window_s": 60, "settle_s": 120},
    )
    evaluate_readings(readings((0, 90), (1, 70), (2, 90)), fakes.ports(), at(3))
    (alarm,) = fakes.alarms.saved.values()
    assert alarm.flapping
    assert kinds(sweep_missing_data(at(121), fakes.ports())) == []
    assert kinds(sweep_missing_data(at(122), fakes.ports())) == [("flapping_ended", at(122))]
    (alarm,) = fakes.alarms.saved.values()
    assert not alarm.flapping


def test_a_disabled_rule_is_not_swept(fakes):
    fakes.rules.rules["hb"] = make_rule({"type": "missing_data", "timeout_s": 60}, id="hb")
    evaluate_readings(readings((0, 20)), fakes.ports(), at(1))
    fakes.rules.rules["hb"] = make_rule(
        {"type": "missing_data", "timeout_s": 60}, id="hb", enabled=False
    )
    assert kinds(sweep_missing_data(at(1000), fakes.ports())) == []


def test_open_alarms_of_a_disabled_rule_clear_once(fakes):
    fakes.rules.rules["r1"] = make_rule({"type": "threshold", "op": "above", "set": 80})
    evaluate_readings(readings((0, 90)), fakes.ports(), at(1))
    fakes.rules.rules["r1"] = make_rule(
        {"type": "threshold", "op": "above", "set": 80}, enabled=False
    )
    result = sweep_missing_data(at(60), fakes.ports())
    assert [(t.kind.value, t.note, t.at) for t in result.transitions] == [
        ("cleared", "rule no longer applies", at(60))
    ]
    assert sweep_missing_data(at(120), fakes.ports()).transitions == []
    (alarm,) = fakes.alarms.saved.values()
    assert alarm.status.value == "cleared"


@pytest.mark.parametrize(
    "change",
    [
        {"metric": "pressure"},
        {"scope": {"kind": "device", "value": "pump-2"}},
    ],
)
def test_open_alarms_clear_when_the_rule_stops_watching_their_device_or_metric(fakes, change):
    fakes.rules.rules["r1"] = make_rule({"type": "threshold", "op": "above", "set": 80})
    evaluate_readings(readings((0, 90)), fakes.ports(), at(1))
    fakes.rules.rules["r1"] = make_rule({"type": "threshold", "op": "above", "set": 80}, **change)
    result = sweep_missing_data(at(60), fakes.ports())
    assert [t.kind.value for t in result.transitions] == ["cleared"]


def test_open_alarms_of_a_device_gone_from_the_registry_clear(fakes):
    fakes.rules.rules["r1"] = make_rule({"type": "threshold", "op": "above", "set": 80})
    evaluate_readings(readings((0, 90)), fakes.ports(), at(1))
    fakes.devices.known.clear()
    result = sweep_missing_data(at(60), fakes.ports())
    assert [t.kind.value for t in result.transitions] == ["cleared"]


def test_an_alarm_still_watched_stays_open(fakes):
    fakes.rules.rules["r1"] = make_rule({"type": "threshold", "op": "above", "set": 80})
    evaluate_readings(readings((0, 90)), fakes.ports(), at(1))
    assert sweep_missing_data(at(60), fakes.ports()).transitions == []


def test_a_reading_stamped_before_the_sweeps_raise_still_clears_it(fakes):
    fakes.rules.rules["hb"] = make_rule({"type": "missing_data", "timeout_s": 60}, id="hb")
    evaluate_readings(readings((0, 20)), fakes.ports(), at(1))
    assert kinds(sweep_missing_data(at(100), fakes.ports())) == [("raised", at(60))]
    result = evaluate_readings(readings((50, 20)), fakes.ports(), at(101))
    assert [(t.kind.value, t.at) for t in result.transitions] == [
        ("cleared", at(60) + timedelta(milliseconds=1))
    ]
    (alarm,) = fakes.alarms.saved.values()
    assert alarm.status.value == "cleared"


def test_a_stored_state_behind_its_device_is_caught_up_before_missing_data_is_judged(fakes):
    """The evaluator wrote the state after the reading at 0 s and kept the one at 20 s unwritten
    (a deferred write, or a worker that ended): the sweep takes the stored reading at 20 s and
    counts the silence from there."""
    fakes.rules.rules["hb"] = make_rule({"type": "missing_data", "timeout_s": 300}, id="hb")
    evaluate_readings(readings((0, 20)), fakes.ports(), at(1))
    written = dict(fakes.states.saved)
    evaluate_readings(readings((20, 21)), fakes.ports(), at(21))
    fakes.states.saved = written
    fakes.history.series[("pump-1", "temperature")] = [(T0, 20.0), (T0 + 20_000, 21.0)]
    assert kinds(sweep_missing_data(at(310), fakes.ports())) == []
    assert kinds(sweep_missing_data(at(330), fakes.ports())) == [("raised", at(320))]


def test_readings_stored_after_a_stale_state_are_evaluated_by_the_sweep(fakes):
    fakes.rules.rules["r1"] = make_rule(
        {"type": "threshold", "op": "above", "set": 80}, lateness_s=60
    )
    evaluate_readings(readings((0, 20)), fakes.ports(), at(1))
    written = dict(fakes.states.saved)
    evaluate_readings(readings((5, 95)), fakes.ports(), at(6))
    fakes.states.saved = written
    fakes.history.series[("pump-1", "temperature")] = [(T0, 20.0), (T0 + 5000, 95.0)]
    assert kinds(sweep_missing_data(at(70), fakes.ports())) == [("raised", at(5))]
