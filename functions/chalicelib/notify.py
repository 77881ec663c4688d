"""notify: the ``notifications`` queue to every subscription that wants each alarm transition,
and a schedule that sends what waited (quiet hours, digests) and retries failed deliveries."""

import functools
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from chalice.app import Blueprint, CloudWatchEvent, SQSEvent

from iotsphere import bootstrap
from iotsphere.domain.alerting.transitions import NotificationMessage
from iotsphere.services.notifications import deliver
from iotsphere.services.notifications.ports import NotificationPorts

bp = Blueprint(__name__)
logger = Logger(service="notify")
processor = BatchProcessor(event_type=EventType.SQS)
RESERVE_MS = 12_000  # one SMTP timeout (10 s) and the store writes, kept back from the timeout


def notification_ports() -> NotificationPorts:
    """The bootstrap's ports: the MongoDB stores, the webhook sender and SMTP as the settings
    say (the local stack's mail sink by default)."""
    return bootstrap.notification_ports()


def time_to_send(context: Any) -> Callable[[], bool]:
    """Whether the invocation has time for one more inline send; what is left for later is held
    as due now and the schedule sends it, instead of the Lambda timing out mid-batch."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return deliver.always
    return lambda: bool(remaining() > RESERVE_MS)


def handle_record(record: SQSRecord, send_now: Callable[[], bool] = deliver.always) -> None:
    """A body that is no ``NotificationMessage`` fails its record (the evaluator wrote it, so it
    is a bug); a store that is down fails it too, and the redelivery claims what is left."""
    message = NotificationMessage.model_validate_json(record.body)
    now = datetime.now(tz=UTC)
    counts = deliver.send_notifications(message, notification_ports(), now, send_now)
    logger.info(
        "notification fanned out",
        extra={
            "message_id": record.message_id,
            "idempotency_key": message.idempotency_key,
            "org_id": message.org_id,
            **asdict(counts),
        },
    )


@bp.on_sqs_message(queue="notifications", batch_size=10)
def send_notifications(event: SQSEvent) -> PartialItemFailureResponse:
    handler = functools.partial(handle_record, send_now=time_to_send(event.context))
    return process_partial_response(
        event=event.to_dict(), record_handler=handler, processor=processor
    )


@bp.schedule("rate(1 minute)")
def deliver_due_notifications(event: CloudWatchEvent) -> dict[str, Any]:
    """Held and retrying deliveries whose time has come, and claims whose notifier died."""
    now = datetime.now(tz=UTC)
    counts = deliver.deliver_due(notification_ports(), now, send_now=time_to_send(event.context))
    logger.info("due notifications delivered", extra=asdict(counts))
    return asdict(counts)
