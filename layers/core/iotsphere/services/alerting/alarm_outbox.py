"""The outbox of people's actions. An acknowledgement, clear by hand, assignment or comment is
one alarm write holding both the change and its transition (in ``Alarm.outbox``); only then is
the transition recorded and handed to the ``notifications`` queue, and the outbox emptied by a
second write. A process that dies between the two writes leaves the transition pending, and
``send_pending_actions`` (a schedule) sends it. Sending twice is safe: the transition key is the
notification's ``idempotency_key``, which the notifier delivers once, and the event log keeps one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from iotsphere.domain.alerting.alarms import Alarm
from iotsphere.services.alerting.alarm_actions import AlarmActionPorts, deliver

GRACE = timedelta(seconds=30)  # an action younger than this is probably still sending its own
MAX_ALARMS = 500


class PendingActions(Protocol):
    def with_outbox(self, limit: int) -> list[Alarm]:
        """Across organizations, for the outbox sweep only: alarms whose outbox is not empty."""


@dataclass(frozen=True)
class OutboxPorts:
    pending: PendingActions
    actions: AlarmActionPorts


@dataclass(frozen=True)
class OutboxResult:
    alarms: int
    transitions: int


def send_pending_actions(
    now: datetime, ports: OutboxPorts, limit: int = MAX_ALARMS
) -> OutboxResult:
    """Send the pending transitions of every alarm whose oldest one is ``GRACE`` old."""
    alarms = transitions = 0
    for alarm in ports.pending.with_outbox(limit):
        if min(t.at for t in alarm.outbox) > now - GRACE:
            continue
        transitions += len(alarm.outbox)
        alarms += 1
        deliver(alarm, ports.actions)
    return OutboxResult(alarms=alarms, transitions=transitions)
