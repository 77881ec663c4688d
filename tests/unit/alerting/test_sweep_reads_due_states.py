"""The sweep reads only the evaluator states that are due (``EvaluatorStateStore.due_across_orgs``
at the sweep's time), and leaves every state it read due later than that: the next sweep reads
none of them again."""

from datetime import timedelta

import pytest

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import from_ms
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.sweep import sweep_missing_data
from tests.unit.alerting.fakes import FakeDevices, Fakes
from tests.unit.alerting.rules import T0, make_rule

ABOVE_80 = {"type": "threshold", "op": "above", "set": 80}


@pytest.fixture
def fakes():
    return Fakes(
        devices=FakeDevices(
            DeviceProfile(device_id="quiet", org_id="org-a"),
            DeviceProfile(device_id="streaming", org_id="org-a"),
        )
    )


def at(seconds):
    return from_ms(T0) + timedelta(seconds=seconds)


def send(fakes, device_id, second, value):
    reading = ForwardedReading(
        device_id=device_id, ts_ms=T0 + second * 1000, metrics={"temperature": value}
    )
    batch = ReadingsBatch(envelope_id=f"{device_id}-{second}", readings=[reading])
    return evaluate_readings(batch, fakes.ports(), at(second + 1))


def devices_read(fakes):
    return [key[2] for key in fakes.states.handed]


def test_a_device_that_keeps_sending_is_not_read_and_a_quiet_one_is_released(fakes):
    fakes.rules.rules["r1"] = make_rule(ABOVE_80, lateness_s=60)
    send(fakes, "quiet", 0, 90)
    for second in range(0, 101, 10):
        send(fakes, "streaming", second, 20)
    result = sweep_missing_data(at(101), fakes.ports())
    assert devices_read(fakes) == ["quiet"]
    assert [(t.device_id, t.kind.value, t.at) for t in result.transitions] == [
        ("quiet", "raised", at(0))
    ]
    fakes.states.handed.clear()
    assert sweep_missing_data(at(159), fakes.ports()).transitions == []
    assert devices_read(fakes) == []  # the quiet one has nothing left, the other is not due yet


def test_a_device_that_stopped_sending_is_released_once_its_newest_reading_is_late(fakes):
    fakes.rules.rules["r1"] = make_rule(ABOVE_80, lateness_s=60)
    for second, value in [(0, 90), (10, 20), (20, 20)]:
        send(fakes, "streaming", second, value)
    assert sweep_missing_data(at(79), fakes.ports()).transitions == []
    assert devices_read(fakes) == []
    result = sweep_missing_data(at(80), fakes.ports())
    assert [(t.kind.value, t.at) for t in result.transitions] == [
        ("raised", at(0)),
        ("cleared", at(10)),
    ]


def test_a_missing_data_state_is_read_when_its_timeout_passed_and_not_after_it_rose(fakes):
    fakes.rules.rules["hb"] = make_rule({"type": "missing_data", "timeout_s": 300}, id="hb")
    send(fakes, "quiet", 0, 20)
    assert sweep_missing_data(at(299), fakes.ports()).transitions == []
    assert devices_read(fakes) == []
    assert [t.at for t in sweep_missing_data(at(300), fakes.ports()).transitions] == [at(300)]
    fakes.states.handed.clear()
    assert sweep_missing_data(at(900), fakes.ports()).transitions == []
    assert devices_read(fakes) == []


def test_a_due_state_of_a_disabled_rule_is_set_aside_once(fakes):
    """Also when its organization has no enabled rule left to sweep."""
    fakes.rules.rules["hb"] = make_rule({"type": "missing_data", "timeout_s": 60}, id="hb")
    send(fakes, "quiet", 0, 20)
    fakes.rules.rules["hb"] = make_rule(
        {"type": "missing_data", "timeout_s": 60}, id="hb", enabled=False
    )
    assert sweep_missing_data(at(100), fakes.ports()).transitions == []
    assert devices_read(fakes) == ["quiet"]
    assert fakes.states.saved[("org-a", "hb", "quiet", "temperature")].due_ms is None
    fakes.states.handed.clear()
    sweep_missing_data(at(200), fakes.ports())
    assert devices_read(fakes) == []


def test_a_state_saved_before_due_times_is_read_once_and_given_its_due_time(fakes):
    fakes.rules.rules["r1"] = make_rule(ABOVE_80, lateness_s=0)
    send(fakes, "quiet", 0, 20)
    (key,) = fakes.states.saved
    fakes.states.saved[key] = fakes.states.saved[key].model_copy(update={"due_ms": 0})
    sweep_missing_data(at(40), fakes.ports())  # heard longer ago than a write may be deferred
    assert devices_read(fakes) == ["quiet"]
    assert fakes.states.saved[key].due_ms is None
    fakes.states.handed.clear()
    sweep_missing_data(at(50), fakes.ports())
    assert devices_read(fakes) == []
