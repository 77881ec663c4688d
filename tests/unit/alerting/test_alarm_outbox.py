"""The outbox of people's actions: an acknowledgement (clear, assignment, comment) is saved with
its transition pending in the same alarm write, so a process that dies before the queue send
loses neither; the sweep sends what is pending, and the transition key keeps delivery once."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.alerting.alarm_lifecycle import raise_alarm
from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.services.alerting.alarm_actions import (
    AlarmActionPorts,
    acknowledge_alarm,
    clear_alarm,
    comment_on_alarm,
)
from iotsphere.services.alerting.alarm_outbox import OutboxPorts, send_pending_actions
from iotsphere.services.errors import StoreUnavailableError
from tests.fakes import FakePublisher
from tests.unit.alerting.fakes import FakeAlarms, FakeLog, FakeRules
from tests.unit.alerting.rules import make_rule

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
LATER = AT + timedelta(minutes=5)


class Died(BaseException):
    """The process ending mid-request (not an error anything catches)."""


class DyingPublisher(FakePublisher):
    def __init__(self, failure: BaseException) -> None:
        super().__init__()
        self.failure = failure

    def publish(self, bodies):
        raise self.failure


class PendingAlarms(FakeAlarms):
    def with_outbox(self, limit):
        return [a for a in self.saved.values() if a.outbox][:limit]


@pytest.fixture
def stores():
    rules = FakeRules()
    alarms = PendingAlarms()
    for org in ("orga", "orgb"):
        rule = make_rule({"type": "threshold", "op": "above", "set": 80}, org_id=org)
        rules.save(rule)
        alarm, _ = raise_alarm(None, rule, "d1", AT, 90.0, now=AT)
        alarms.save([alarm])
    return rules, alarms


def action_ports(stores, notifications, transitions=None):
    rules, alarms = stores
    return AlarmActionPorts(
        alarms=alarms,
        rules=rules,
        transitions=transitions or FakeLog(),
        notifications=notifications,
    )


def alarm_of(stores, org):
    return next(a for a in stores[1].saved.values() if a.org_id == org)


def keys(publisher):
    return [json.loads(body)["idempotency_key"] for body in publisher.bodies]


def test_an_action_that_is_sent_leaves_nothing_pending(stores):
    sent = FakePublisher()
    alarm = acknowledge_alarm(
        "orga", alarm_of(stores, "orga").id, "ana", AT, action_ports(stores, sent)
    )
    assert alarm.outbox == []
    assert alarm_of(stores, "orga") == alarm
    assert len(sent.bodies) == 1


def test_a_process_dying_before_the_send_keeps_the_change_and_the_sweep_sends_it(stores):
    alarm_id = alarm_of(stores, "orga").id
    with pytest.raises(Died):
        acknowledge_alarm("orga", alarm_id, "ana", AT, action_ports(stores, DyingPublisher(Died())))
    stored = alarm_of(stores, "orga")
    assert stored.acknowledged_by == "ana"
    (pending,) = stored.outbox
    assert pending.kind.value == "acknowledged"

    sent, log = FakePublisher(), FakeLog()
    result = send_pending_actions(LATER, OutboxPorts(stores[1], action_ports(stores, sent, log)))
    assert (result.alarms, result.transitions) == (1, 1)
    assert keys(sent) == [pending.key]
    assert json.loads(sent.bodies[0])["rule_name"] == "test rule"
    assert list(log.kept) == [pending.key]
    assert alarm_of(stores, "orga").outbox == []
    again = FakePublisher()
    send_pending_actions(LATER, OutboxPorts(stores[1], action_ports(stores, again)))
    assert again.bodies == []


def test_a_queue_that_refuses_still_answers_the_saved_change_for_the_sweep_to_send(stores):
    alarm_id = alarm_of(stores, "orga").id
    refusing = DyingPublisher(StoreUnavailableError("SQS down"))
    alarm = clear_alarm("orga", alarm_id, "ana", AT, action_ports(stores, refusing))
    assert alarm.status.value == "cleared"
    assert [t.kind.value for t in alarm.outbox] == ["cleared"]
    assert alarm_of(stores, "orga") == alarm


def test_dying_after_the_send_sends_again_with_the_same_key_for_the_notifier_to_drop(stores):
    _, alarms = stores
    alarm_id = alarm_of(stores, "orga").id
    save = alarms.save
    saves = []

    def second_save_dies(batch):
        saves.append(batch)
        if len(saves) == 2:
            raise Died()
        save(batch)

    alarms.save = second_save_dies
    sent = FakePublisher()
    with pytest.raises(Died):
        comment_on_alarm("orga", alarm_id, "valve replaced", "ana", AT, action_ports(stores, sent))
    alarms.save = save
    swept = FakePublisher()
    send_pending_actions(LATER, OutboxPorts(alarms, action_ports(stores, swept)))
    assert keys(swept) == keys(sent)
    assert len(keys(sent)) == 1


def test_a_change_saved_meanwhile_keeps_the_pending_transition_for_the_sweep(stores):
    _, alarms = stores
    alarm_id = alarm_of(stores, "orga").id
    save = alarms.save
    saves = []

    def evaluation_saves_between(batch):
        saves.append(batch)
        save(batch)
        if len(saves) == 1:  # an evaluation repeats the alarm after the action's first write
            stored = alarms.saved[alarm_id]
            save([stored.model_copy(update={"count": stored.count + 1})])

    alarms.save = evaluation_saves_between
    sent = FakePublisher()
    alarm = acknowledge_alarm("orga", alarm_id, "ana", AT, action_ports(stores, sent))
    alarms.save = save
    assert len(sent.bodies) == 1
    assert [t.kind.value for t in alarm.outbox] == ["acknowledged"]
    swept = FakePublisher()
    send_pending_actions(LATER, OutboxPorts(alarms, action_ports(stores, swept)))
    assert keys(swept) == keys(sent)
    assert alarm_of(stores, "orga").count == 2


def test_the_sweep_sends_every_organizations_pending_once_and_leaves_fresh_ones(stores):
    rules, alarms = stores
    for org in ("orga", "orgb"):
        with pytest.raises(Died):
            acknowledge_alarm(
                org,
                alarm_of(stores, org).id,
                "ana",
                AT,
                action_ports(stores, DyingPublisher(Died())),
            )
    rules.delete("orgb", "r1")
    early = FakePublisher()
    send_pending_actions(
        AT + timedelta(seconds=5), OutboxPorts(alarms, action_ports(stores, early))
    )
    assert early.bodies == []  # the action itself may still be sending them
    sent = FakePublisher()
    result = send_pending_actions(LATER, OutboxPorts(alarms, action_ports(stores, sent)))
    assert result.alarms == 2
    messages = sorted((json.loads(b)["org_id"], json.loads(b)["rule_name"]) for b in sent.bodies)
    assert messages == [("orga", "test rule"), ("orgb", "r1")]


def test_an_alarm_saved_before_the_outbox_existed_has_none():
    stored = alarm_of_document()
    assert Alarm.model_validate(stored).outbox == []


def alarm_of_document():
    return {
        "id": "a" * 32,
        "org_id": "orga",
        "rule_id": "r1",
        "device_id": "d1",
        "metric": "temperature",
        "severity": "major",
        "status": "active",
        "raised_at": AT.isoformat(),
        "opened_at": AT.isoformat(),
        "last_at": AT.isoformat(),
    }
