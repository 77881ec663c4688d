"""evaluate alerts: the ``alerts`` queue into alarms and notifications, and the scheduled sweep
(missing data, readings past their lateness, escalation, end of flapping)."""

import time
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
from pydantic import ValidationError

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


def evaluate_records(records: list[dict[str, Any]]) -> dict[str, Exception | None]:
    """The readings of every record evaluated together, in device time: one read and one write
    of each device's states per invocation, not per message, and readings of one device spread
    over several messages are put in order before the watermark passes them.

    Returns what failed each record (None: done). A body that is no ``ReadingsBatch`` fails
    alone: after the queue's receives it waits in the DLQ with the reason logged (ingest writes
    these bodies, so it is a bug). An evaluation that fails fails every other record, and SQS
    redelivers them (evaluation is idempotent).
    """
    outcome: dict[str, Exception | None] = {}
    batches: list[ReadingsBatch] = []
    for record in records:
        try:
            batches.append(ReadingsBatch.model_validate_json(record["body"]))
            outcome[record["messageId"]] = None
        except ValidationError as exc:
            outcome[record["messageId"]] = exc
    if not batches:
        return outcome
    together = ReadingsBatch(
        envelope_id=batches[0].envelope_id,
        readings=[reading for batch in batches for reading in batch.readings],
    )
    try:
        started = time.perf_counter()
        result = evaluate_readings(together, alerting_ports(), now=datetime.now(tz=UTC))
    except Exception as exc:  # every record comes back; the processor logs why
        return {m: exc if failed is None else failed for m, failed in outcome.items()}
    logger.info(
        "readings evaluated",
        extra={
            "messages": len(batches),
            "envelope_ids": [batch.envelope_id for batch in batches],
            "readings": result.readings,
            "evaluated": result.evaluated,
            "unknown_devices": result.unknown_devices,
            "late_dropped": result.late_dropped,
            "transitions": len(result.transitions),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return outcome


# Up to 100 messages (~10,000 readings) when that many wait: every device's state is read and
# written once per invocation however many of its readings it holds, so a backlog drains faster
# the deeper it is. AWS requires a batching window for a batch over 10; the local worker never
# waits it out (docs/decisions.md).
@bp.on_sqs_message(queue="alerts", batch_size=100, maximum_batching_window_in_seconds=1)
def evaluate_alerts(event: SQSEvent) -> PartialItemFailureResponse:
    raw = event.to_dict()
    outcome = evaluate_records(raw["Records"])

    def report(record: SQSRecord) -> None:
        failed = outcome[record.message_id]
        if failed is not None:
            raise failed

    return process_partial_response(event=raw, record_handler=report, processor=processor)


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
            "states_removed": result.states_removed,
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
