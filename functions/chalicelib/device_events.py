"""handle device events: the ``device-events`` queue (births and last wills, configuration
reports, command results, claims, as the bridge forwards them) into the device services, and the
sweep that expires commands whose TTL passed."""

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

from chalicelib import rollouts
from iotsphere import bootstrap
from iotsphere.domain.devices.messages import DeviceEvent
from iotsphere.services.devices.commands import expire_overdue
from iotsphere.services.devices.device_events import EventOutcome, handle_device_event
from iotsphere.services.firmware.status_events import StatusOutcome

bp = Blueprint(__name__)
logger = Logger(service="device-events")
processor = BatchProcessor(event_type=EventType.SQS)


def handle_record(record: SQSRecord) -> None:
    """A refused message is logged and dropped (redelivery cannot mend it); a body that is no
    ``DeviceEvent`` or a store that is down fails the record, so the queue redelivers it and
    finally keeps it in the DLQ."""
    event = DeviceEvent.model_validate_json(record.body)
    outcome: EventOutcome | StatusOutcome
    if rollouts.is_firmware_status(event.topic):
        outcome = rollouts.record_firmware_status(event)
    else:
        outcome = handle_device_event(event, bootstrap.device_ports())
        if outcome.birth is not None and rollouts.reoffer_on_birth(outcome.birth):
            logger.info("firmware offered again", extra={"topic": event.topic})
    log = logger.warning if outcome.outcome == "refused" else logger.info
    log(
        "device event " + outcome.outcome,
        extra={"message_id": record.message_id, "topic": event.topic, "reason": outcome.reason},
    )


@bp.on_sqs_message(queue="device-events", batch_size=10)
def handle_device_events(event: SQSEvent) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event.to_dict(), record_handler=handle_record, processor=processor
    )


@bp.schedule("rate(1 minute)")
def expire_overdue_commands(event: CloudWatchEvent) -> dict[str, Any]:
    """Commands past their TTL: never sent -> EXPIRED, sent but unanswered -> TIMED_OUT."""
    moved = expire_overdue(bootstrap.device_ports())
    logger.info("commands expired", extra={"moved": moved})
    return {"moved": moved}
