from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.alerting.alarm_handling import acknowledge, add_comment, assign, escalate
from iotsphere.domain.alerting.alarm_lifecycle import clear_alarm, raise_alarm, settle
from iotsphere.domain.alerting.errors import AlarmLifecycleError
from iotsphere.domain.alerting.rules import Severity
from iotsphere.domain.alerting.transitions import AlarmStatus, NotificationMessage, TransitionKind
from tests.unit.alerting.rules import make_rule

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
ABOVE = {"type": "threshold", "op": "above", "set": 80}


def s(seconds: float) -> datetime:
    return AT + timedelta(seconds=seconds)


def kinds(transitions):
    return [(t.kind.value, t.suppressed) for t in transitions]


@pytest.fixture
def rule():
    return make_rule(
        ABOVE,
        flap={"transitions": 4, "window_s": 60, "settle_s": 120},
        escalation=[
            {"after_s": 300, "notify": "team-lead"},
            {"after_s": 900, "severity": "critical", "notify": "oncall"},
        ],
    )


def test_a_raise_opens_an_active_alarm_and_repeats_only_count(rule):
    alarm, transitions = raise_alarm(None, rule, "d1", s(0), 81, now=s(1))
    assert (alarm.status, alarm.episode, alarm.count) == (AlarmStatus.ACTIVE, 1, 1)
    assert kinds(transitions) == [("raised", None)]
    again, more = raise_alarm(alarm, rule, "d1", s(5), 85, now=s(6))
    assert more == []
    assert (again.count, again.last_value, again.id) == (2, 85, alarm.id)


def test_the_same_raise_applied_twice_changes_nothing(rule):
    alarm, _ = raise_alarm(None, rule, "d1", s(0), 81, now=s(1))
    alarm, _ = clear_alarm(alarm, rule, s(10), 70)
    alarm, _ = raise_alarm(alarm, rule, "d1", s(20), 90, now=s(21))
    for replay in [
        lambda a: raise_alarm(a, rule, "d1", s(0), 81, now=s(99)),
        lambda a: clear_alarm(a, rule, s(10), 70),
    ]:
        same, transitions = replay(alarm)
        assert (same, transitions) == (alarm, [])


def test_acknowledge_then_clear_and_clear_then_acknowledge(rule):
    alarm, _ = raise_alarm(None, rule, "d1", s(0), 81, now=s(0))
    acked, transitions = acknowledge(alarm, "ana", s(5))
    assert (acked.status, acked.acknowledged_by, kinds(transitions)) == (
        AlarmStatus.ACKNOWLEDGED,
        "ana",
        [("acknowledged", None)],
    )
    cleared, _ = clear_alarm(acked, rule, s(9), 70)
    assert (cleared.status, cleared.acknowledged) == (AlarmStatus.CLEARED, True)

    unacked, transitions = clear_alarm(alarm, rule, s(9), 70)
    assert (unacked.status, unacked.acknowledged) == (AlarmStatus.CLEARED, False)
    assert kinds(transitions) == [("cleared", None)]
    closed, _ = acknowledge(unacked, "bo", s(20))
    assert (closed.status, closed.acknowledged) == (AlarmStatus.CLEARED, True)
    with pytest.raises(AlarmLifecycleError, match="already acknowledged by bo"):
        acknowledge(closed, "ana", s(30))


def test_a_raise_after_a_clear_opens_the_next_episode_unacknowledged(rule):
    alarm, _ = raise_alarm(None, rule, "d1", s(0), 81, now=s(0))
    alarm, _ = acknowledge(alarm, "ana", s(1))
    alarm, _ = clear_alarm(alarm, rule, s(2), 70)
    alarm, transitions = raise_alarm(alarm, rule, "d1", s(200), 95, now=s(200))
    assert (alarm.episode, alarm.status, alarm.acknowledged, alarm.count) == (
        2,
        AlarmStatus.ACTIVE,
        False,
        1,
    )
    assert transitions[0].episode == 2


def test_assignment_and_comments_are_kept_and_make_transitions(rule):
    alarm, _ = raise_alarm(None, rule, "d1", s(0), 81, now=s(0))
    alarm, assigned = assign(alarm, "carla", by="ana", at=s(1))
    alarm, commented = add_comment(alarm, "on my way", by="carla", at=s(2))
    assert alarm.assignee == "carla"
    assert [(c.by, c.text) for c in alarm.comments] == [("carla", "on my way")]
    assert [(t.kind.value, t.note) for t in assigned + commented] == [
        ("assigned", "carla"),
        ("commented", "on my way"),
    ]


def test_flapping_starts_at_the_nth_change_and_suppresses_until_it_settles(rule):
    alarm, log = None, []
    for i in range(6):
        if i % 2 == 0:
            alarm, transitions = raise_alarm(alarm, rule, "d1", s(i * 10), 90, now=s(i * 10))
        else:
            alarm, transitions = clear_alarm(alarm, rule, s(i * 10), 70)
        log += transitions
    assert kinds(log) == [
        ("raised", None),
        ("cleared", None),
        ("raised", None),
        ("cleared", "flapping"),
        ("flapping_started", None),
        ("raised", "flapping"),
        ("cleared", "flapping"),
    ]
    assert settle(alarm, rule, s(50 + 119))[1] == []
    settled, transitions = settle(alarm, rule, s(50 + 120))
    assert not settled.flapping
    assert [(t.kind.value, t.status.value, t.at) for t in transitions] == [
        ("flapping_ended", "cleared", s(170))
    ]


def test_changes_spread_wider_than_the_window_never_flap(rule):
    alarm, log = None, []
    for i in range(8):
        if i % 2 == 0:
            alarm, transitions = raise_alarm(alarm, rule, "d1", s(i * 30), 90, now=s(i * 30))
        else:
            alarm, transitions = clear_alarm(alarm, rule, s(i * 30), 70)
        log += transitions
    assert all(t.suppressed is None for t in log)
    assert not alarm.flapping


def test_escalation_steps_fire_once_each_when_due_while_unacknowledged(rule):
    alarm, _ = raise_alarm(None, rule, "d1", s(0), 90, now=s(10))
    assert escalate(alarm, rule, s(309))[1] == []
    alarm, first = escalate(alarm, rule, s(310))
    assert [(t.target, t.severity) for t in first] == [("team-lead", Severity.MAJOR)]
    assert escalate(alarm, rule, s(311))[1] == []
    late, both = escalate(raise_alarm(None, rule, "d1", s(0), 90, now=s(10))[0], rule, s(5000))
    assert [(t.target, t.severity, t.at) for t in both] == [
        ("team-lead", Severity.MAJOR, s(310)),
        ("oncall", Severity.CRITICAL, s(910)),
    ]
    assert late.severity is Severity.CRITICAL
    acked, _ = acknowledge(raise_alarm(None, rule, "d1", s(0), 90, now=s(0))[0], "ana", s(1))
    assert escalate(acked, rule, s(5000))[1] == []


def test_a_notification_carries_the_transition_key_as_idempotency_key(rule):
    _, (raised,) = raise_alarm(None, rule, "d1", s(0), 81, now=s(1))
    _, (again,) = raise_alarm(None, rule, "d1", s(0), 81, now=s(99))
    message = NotificationMessage.of(raised, rule_name=rule.name)
    assert message.idempotency_key == raised.key == again.key
    assert NotificationMessage.model_validate_json(message.model_dump_json()) == message
    assert raised.kind is TransitionKind.RAISED


def test_a_raise_replayed_after_flapping_settled_is_still_recognised(rule):
    alarm = None
    for i in range(4):
        if i % 2 == 0:
            alarm, _ = raise_alarm(alarm, rule, "d1", s(i), 90, now=s(i))
        else:
            alarm, _ = clear_alarm(alarm, rule, s(i), 70)
    assert alarm.flapping
    alarm, _ = settle(alarm, rule, s(1000))
    replayed, transitions = raise_alarm(alarm, rule, "d1", s(2), 90, now=s(1001))
    assert (replayed, transitions) == (alarm, [])
