"""One alarm as an operator reads it: the alarm with its comments, and the transitions recorded
in the event store. The alarm is the truth; its history is shown when the event store answers."""

from __future__ import annotations

from pydantic import Field

from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.domain.alerting.transitions import AlarmTransition
from iotsphere.services.alerting.admin_ports import AlertAdminPorts
from iotsphere.services.alerting.alarm_actions import get_alarm
from iotsphere.services.errors import StoreUnavailableError

MAX_TRANSITIONS = 50


class AlarmDetail(Alarm):
    transitions: list[AlarmTransition] | None = Field(
        description=f"newest first, at most {MAX_TRANSITIONS}; null when the event store "
        "could not be read just now"
    )


def alarm_detail(org_id: str, alarm_id: str, ports: AlertAdminPorts) -> AlarmDetail:
    """``NotFoundError`` for another organization's alarm."""
    alarm = get_alarm(org_id, alarm_id, ports.actions)
    transitions: list[AlarmTransition] | None
    try:
        transitions = ports.events.of_alarm(org_id, alarm_id, MAX_TRANSITIONS)
    except StoreUnavailableError:
        transitions = None
    return AlarmDetail(**dict(alarm), transitions=transitions)
