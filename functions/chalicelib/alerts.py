"""evaluate alerts: the ``alerts`` queue into alarms and notifications, and the scheduled sweep
(missing data, readings past their lateness, escalation, end of flapping)."""

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
from iotsphere.domain.messages import ReadingsBatch
from iotsphere.services.alerting import sweep
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.ports import AlertingPorts

bp = Blueprint(__name__)
logger = Logger(service="alerts")
processor = BatchProcessor(event_type=EventType.SQS)


def alerting_ports() -> AlertingPorts:
    return bootstrap.alerting_ports()


def handle_record(record: SQSRecord) -> None:
    """A body that is no ``ReadingsBatch`` fails its record: after the queue's receives it waits
    in the DLQ with the reason logged here (ingest writes these bodies, so it is a bug)."""
    batch = ReadingsBatch.model_validate_json(record.body)
    result = evaluate_readings(batch, alerting_ports(), now=datetime.now(tz=UTC))
    logger.info(
        "readings evaluated",
        extra={
            "message_id": record.message_id,
            "envelope_id": batch.envelope_id,
            "readings": result.readings,
            "evaluated": result.evaluated,
            "unknown_devices": result.unknown_devices,
            "late_dropped": result.late_dropped,
            "transitions": len(result.transitions),
        },
    )


@bp.on_sqs_message(queue="alerts", batch_size=10)
def evaluate_alerts(event: SQSEvent) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event.to_dict(), record_handler=handle_record, processor=processor
    )


@bp.schedule("rate(1 minute)")
def sweep_missing_data(event: CloudWatchEvent) -> dict[str, Any]:
    """The schedule's own time is the sweep's clock, so a retried invocation sweeps the same."""
    now = _event_time(event.to_dict().get("time"))
    result = sweep.sweep_missing_data(now, alerting_ports())
    logger.info(
        "alerts swept",
        extra={
            "organizations": result.organizations,
            "states_changed": result.states_changed,
            "transitions": len(result.transitions),
        },
    )
    return {"organizations": result.organizations, "transitions": len(result.transitions)}


def _event_time(raw: Any) -> datetime:
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return datetime.now(tz=UTC)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(tz=UTC)
