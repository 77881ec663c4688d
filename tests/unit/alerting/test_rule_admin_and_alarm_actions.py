import json
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.alerting.alarm_lifecycle import raise_alarm
from iotsphere.domain.alerting.errors import (
    AlarmLifecycleError,
    RuleValidationError,
    SilenceValidationError,
)
from iotsphere.domain.alerting.transitions import AlarmStatus
from iotsphere.domain.devices.device_type import DeviceType, MetricSpec
from iotsphere.services.alerting.alarm_actions import (
    AlarmActionPorts,
    acknowledge_alarm,
    assign_alarm,
    comment_on_alarm,
)
from iotsphere.services.alerting.errors import ConcurrentUpdateError, NotFoundError
from iotsphere.services.alerting.rule_admin import save_rule
from iotsphere.services.alerting.silence_admin import save_silence
from tests.fakes import FakePublisher
from tests.unit.alerting.fakes import FakeAlarms, FakeLog, FakeRules, Fakes, FakeSilences
from tests.unit.alerting.rules import make_rule
from tests.unit.devices.fakes import FakeTypes

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
BODY = {
    "name": "hot pump",
    "scope": {"kind": "device_type", "value": "pump"},
    "metric": "temperature",
    "severity": "major",
    "condition": {"type": "threshold", "op": "above", "set": 80},
}
EVALUATION = (Fakes().ports(), AT)  # the evaluator's stores a rule change marks, and its time


@pytest.fixture
def types():
    found = FakeTypes()
    found.add(
        DeviceType(
            id="pump",
            org_id="orga",
            name="Pump",
            firmware_family="pumps",
            metrics=[MetricSpec(name="temperature"), MetricSpec(name="rpm")],
            created_at=AT,
        )
    )
    return found


def test_a_rule_is_saved_under_the_callers_organization_whatever_the_body_says(types):
    rules = FakeRules()
    saved = save_rule(
        "orga", "r1", {**BODY, "org_id": "orgb", "id": "x"}, rules, types, *EVALUATION
    )
    assert (saved.org_id, saved.id) == ("orga", "r1")
    assert rules.get("orga", "r1") == saved


def test_a_metric_the_organizations_device_type_lacks_is_refused(types):
    with pytest.raises(RuleValidationError) as caught:
        save_rule("orga", "r1", {**BODY, "metric": "pressure"}, FakeRules(), types, *EVALUATION)
    assert caught.value.path == "metric"
    assert "temperature" in caught.value.reason


def test_another_organizations_device_type_is_unknown(types):
    with pytest.raises(RuleValidationError, match="unknown device type"):
        save_rule("orgb", "r1", BODY, FakeRules(), types, *EVALUATION)


@pytest.fixture
def ports():
    rules = FakeRules()
    rule = make_rule({"type": "threshold", "op": "above", "set": 80}, org_id="orga")
    rules.save(rule)
    found = AlarmActionPorts(
        alarms=FakeAlarms(), rules=rules, transitions=FakeLog(), notifications=FakePublisher()
    )
    alarm, _ = raise_alarm(None, rule, "d1", AT, 90.0, now=AT)
    found.alarms.save([alarm])
    return found, alarm.id


def test_acknowledge_saves_records_and_notifies_once(ports):
    found, alarm_id = ports
    alarm = acknowledge_alarm("orga", alarm_id, "ana", AT + timedelta(seconds=5), found)
    assert (alarm.status, alarm.acknowledged_by) == (AlarmStatus.ACKNOWLEDGED, "ana")
    assert found.alarms.saved[alarm_id] == alarm
    (message,) = map(json.loads, found.notifications.bodies)
    assert (message["rule_name"], message["transition"]["kind"]) == ("test rule", "acknowledged")
    with pytest.raises(AlarmLifecycleError):
        acknowledge_alarm("orga", alarm_id, "bo", AT + timedelta(seconds=6), found)
    assert len(found.transitions.kept) == 1


def test_another_organizations_alarm_is_missing(ports):
    found, alarm_id = ports
    with pytest.raises(NotFoundError):
        acknowledge_alarm("orgb", alarm_id, "eve", AT, found)


def test_assign_and_comment(ports):
    found, alarm_id = ports
    assign_alarm("orga", alarm_id, "carla", "ana", AT, found)
    alarm = comment_on_alarm("orga", alarm_id, "valve replaced", "carla", AT, found)
    assert (alarm.assignee, [c.text for c in alarm.comments]) == ("carla", ["valve replaced"])


def test_a_concurrent_action_loses_and_notifies_nothing(ports):
    found, alarm_id = ports
    load = found.alarms.load

    def load_then_someone_else_saves(org_id, ids):
        loaded = load(org_id, ids)
        stored = found.alarms.saved[alarm_id]
        found.alarms.saved[alarm_id] = stored.model_copy(update={"revision": stored.revision + 1})
        return loaded

    found.alarms.load = load_then_someone_else_saves
    with pytest.raises(ConcurrentUpdateError):
        acknowledge_alarm("orga", alarm_id, "ana", AT, found)
    assert found.notifications.bodies == []


def test_a_silence_is_saved_under_the_callers_organization_and_name():
    store = FakeSilences()
    body = {
        "kind": "group",
        "value": "plant-1",
        "org_id": "orgb",
        "created_by": "mallory",
        "starts_at": "2026-11-26T18:00:00Z",
        "ends_at": "2026-11-26T20:00:00Z",
        "reason": "pump replacement",
    }
    silence = save_silence("orga", "s1", body, "ana", store)
    assert (silence.org_id, silence.id, silence.created_by) == ("orga", "s1", "ana")
    assert store.silences == [silence]
    with pytest.raises(SilenceValidationError) as caught:
        save_silence("orga", "s2", {**body, "ends_at": "2026-11-26T17:00:00Z"}, "ana", store)
    assert "after starts_at" in caught.value.reason
    with pytest.raises(SilenceValidationError) as caught:
        save_silence("orga", "s3", {**body, "kind": "planet"}, "ana", store)
    assert caught.value.path == "kind"
