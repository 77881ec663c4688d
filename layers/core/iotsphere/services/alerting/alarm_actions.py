"""What people do to alarms: acknowledge, clear by hand, assign, comment. Each is saved by
revision first (two operators acknowledging at once: one wins, the other gets
``ConcurrentUpdateError``) together with its transition in the alarm's outbox, then recorded and
notified like every transition, and the outbox emptied (``alarm_outbox`` sends what a process
that died in between left pending)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from iotsphere.domain.alerting import alarm_handling as handling
from iotsphere.domain.alerting.alarms import Alarm, Result, stage, transition, unstage
from iotsphere.domain.alerting.errors import AlarmLifecycleError
from iotsphere.domain.alerting.transitions import AlarmStatus, NotificationMessage, TransitionKind
from iotsphere.services.alerting.errors import ConcurrentUpdateError, NotFoundError
from iotsphere.services.alerting.ports import AlarmStore, RuleStore, TransitionLog
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.ports import MessagePublisher


@dataclass(frozen=True)
class AlarmActionPorts:
    alarms: AlarmStore
    rules: RuleStore
    transitions: TransitionLog
    notifications: MessagePublisher


def acknowledge_alarm(
    org_id: str, alarm_id: str, by: str, now: datetime, ports: AlarmActionPorts
) -> Alarm:
    return _act(org_id, alarm_id, lambda alarm: handling.acknowledge(alarm, by, now), ports)


def clear_alarm(
    org_id: str, alarm_id: str, by: str, now: datetime, ports: AlarmActionPorts
) -> Alarm:
    """Clear an open alarm by hand. The rule still holds it as raised, so it rises again (a new
    episode) only after its condition clears and sets again."""
    return _act(org_id, alarm_id, lambda alarm: clear_by_hand(alarm, by, now), ports)


def clear_by_hand(alarm: Alarm, by: str, at: datetime) -> Result:
    if not alarm.is_open:
        raise AlarmLifecycleError("alarm already cleared")
    alarm = alarm.model_copy(update={"status": AlarmStatus.CLEARED, "cleared_at": at})
    return alarm, [transition(alarm, TransitionKind.CLEARED, at, by=by, note="cleared by hand")]


def assign_alarm(
    org_id: str,
    alarm_id: str,
    assignee: str | None,
    by: str,
    now: datetime,
    ports: AlarmActionPorts,
) -> Alarm:
    return _act(org_id, alarm_id, lambda alarm: handling.assign(alarm, assignee, by, now), ports)


def comment_on_alarm(
    org_id: str, alarm_id: str, text: str, by: str, now: datetime, ports: AlarmActionPorts
) -> Alarm:
    return _act(org_id, alarm_id, lambda alarm: handling.add_comment(alarm, text, by, now), ports)


def get_alarm(org_id: str, alarm_id: str, ports: AlarmActionPorts) -> Alarm:
    """The alarm with its comments; ``NotFoundError`` for another organization's alarm."""
    return _load(org_id, alarm_id, ports)


def _load(org_id: str, alarm_id: str, ports: AlarmActionPorts) -> Alarm:
    alarm = ports.alarms.load(org_id, [alarm_id]).get(alarm_id)
    if alarm is None:
        raise NotFoundError(f"no alarm {alarm_id!r}")
    return alarm


def _act(
    org_id: str, alarm_id: str, action: Callable[[Alarm], Result], ports: AlarmActionPorts
) -> Alarm:
    alarm = _load(org_id, alarm_id, ports)
    changed, transitions = action(alarm)
    staged = stage(changed, transitions)
    ports.alarms.save([staged])
    saved = staged.model_copy(update={"revision": staged.revision + 1})
    try:
        return deliver(saved, ports)
    except StoreUnavailableError:
        return saved  # the change is saved; the outbox sweep sends its transition


def deliver(alarm: Alarm, ports: AlarmActionPorts) -> Alarm:
    """Record and notify the alarm's pending transitions, then save it without them. Losing
    that save to someone else's is fine: their save kept the outbox, which the sweep sends
    again under the same keys (the notifier delivers a key once)."""
    sent = list(alarm.outbox)
    ports.transitions.record(sent)
    try:
        rule_name = ports.rules.get(alarm.org_id, alarm.rule_id).name
    except NotFoundError:
        rule_name = alarm.rule_id
    ports.notifications.publish(
        [NotificationMessage.of(t, rule_name).model_dump_json() for t in sent if t.notify]
    )
    done = unstage(alarm, sent)
    try:
        ports.alarms.save([done])
    except ConcurrentUpdateError:
        return alarm
    return done.model_copy(update={"revision": done.revision + 1})
