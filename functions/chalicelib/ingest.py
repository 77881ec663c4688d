"""ingest: the ``telemetry`` queue into InfluxDB, the quarantine, and the ``alerts`` queue."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from chalice.app import Blueprint, SQSEvent

from iotsphere import bootstrap
from iotsphere.services.ingest import ingest_message

bp = Blueprint(__name__)
logger = Logger(service="ingest")
processor = BatchProcessor(event_type=EventType.SQS)


def handle_record(record: SQSRecord) -> None:
    result = ingest_message(
        record.body, int(record.attributes.sent_timestamp), bootstrap.ingest_ports()
    )
    logger.info(
        "envelope ingested",
        extra={
            "message_id": record.message_id,
            "envelope_id": result.envelope_id,
            "stored": result.stored,
            "quarantined": result.quarantined,
        },
    )


@bp.on_sqs_message(queue="telemetry", batch_size=10)
def ingest_telemetry(event: SQSEvent) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event.to_dict(), record_handler=handle_record, processor=processor
    )
