"""send alarm outbox: once a minute, the transitions of people's actions on alarms that were saved
but never handed to the ``notifications`` queue (the process died, or the queue refused) are sent
(``services/alerting/alarm_outbox``). Sending one again is safe: the notifier delivers each
transition key once."""

from datetime import UTC, datetime

from aws_lambda_powertools import Logger
from chalice.app import Blueprint, CloudWatchEvent

from iotsphere import bootstrap
from iotsphere.services.alerting.alarm_outbox import OutboxPorts, send_pending_actions

bp = Blueprint(__name__)
logger = Logger(service="alarm-outbox")


def outbox_ports() -> OutboxPorts:
    return bootstrap.alarm_outbox_ports()


@bp.schedule("rate(1 minute)")
def send_alarm_outbox(event: CloudWatchEvent) -> dict[str, int]:
    """The wall clock, not the event's time: time only decides whether an action is old enough
    that it no longer sends its own transitions."""
    result = send_pending_actions(datetime.now(tz=UTC), outbox_ports())
    summary = {"alarms": result.alarms, "transitions": result.transitions}
    logger.info("alarm outbox sent", extra=summary)
    return summary
