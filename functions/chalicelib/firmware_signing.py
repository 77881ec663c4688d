"""firmware signing: an image uploaded under ``firmware/`` becomes a signed, recorded release.

The upload's key says what it is: ``firmware/<organization>/<firmware family>/<version>/<file>``
(an optional ``x-amz-meta-min-version`` sets the manifest's minimum version). The bucket sends its
``ObjectCreated`` notifications to the ``firmware-uploads`` queue (S3 → SQS → this function, the
same locally and on AWS, with a DLQ). The signed manifest is written next to the image as
``<file>.manifest.json``; its own notification is skipped. An upload that cannot be a release is
logged and dropped (retrying cannot help); an unavailable store fails the record, so it is retried.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import unquote_plus

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
from iotsphere.domain.firmware.manifest import MANIFEST_SUFFIX
from iotsphere.domain.firmware.release import IMAGE_PREFIX
from iotsphere.services.firmware.errors import (
    ImageNotFoundError,
    InvalidImageError,
    ReleaseConflictError,
)
from iotsphere.services.firmware.signing import sign_image

UPLOADS_QUEUE = "firmware-uploads"

bp = Blueprint(__name__)
logger = Logger(service="firmware-signing")
processor = BatchProcessor(event_type=EventType.SQS)


def sign_key(key: str) -> None:
    """Sign one uploaded key; a refusal is logged and dropped, an outage raises (retry)."""
    if not key.startswith(IMAGE_PREFIX) or key.endswith(MANIFEST_SUFFIX):
        return
    try:
        release = sign_image(key, bootstrap.signing_ports(), datetime.now(tz=UTC))
    except (InvalidImageError, ReleaseConflictError, ImageNotFoundError) as exc:
        logger.warning("upload not signed", extra={"key": key, "reason": str(exc)})
        return
    logger.info(
        "release signed",
        extra={
            "key": key,
            "release_id": release.release_id,
            "org_id": release.org_id,
            "firmware_family": release.firmware_family,
            "version": release.version,
            "sha256": release.image_sha256,
            "key_id": release.key_id,
        },
    )


def uploaded_keys(body: str) -> list[str]:
    """The object keys an S3 event notification (as S3 sends it to a queue) reports created in the
    firmware bucket. S3's test event and other buckets' or other events' records give none."""
    try:
        notification = json.loads(body)
    except ValueError:
        logger.warning("not an S3 event notification", extra={"body": body[:200]})
        return []
    records = notification.get("Records", []) if isinstance(notification, dict) else []
    keys = []
    for record in records if isinstance(records, list) else []:
        s3 = record.get("s3", {}) if isinstance(record, dict) else {}
        if (
            str(record.get("eventName", "")).startswith("ObjectCreated:")
            and s3.get("bucket", {}).get("name") == bootstrap.settings().firmware_bucket
            and isinstance(s3.get("object", {}).get("key"), str)
        ):
            keys.append(unquote_plus(s3["object"]["key"]))
    return keys


def sign_record(record: SQSRecord) -> None:
    for key in uploaded_keys(record.body):
        sign_key(key)


@bp.on_sqs_message(queue=UPLOADS_QUEUE, batch_size=5)
def sign_uploaded_firmware(event: SQSEvent) -> PartialItemFailureResponse:
    """S3 notifications of the firmware bucket through the ``firmware-uploads`` queue: only the
    records that failed for a reason worth retrying come back (after N receives: the DLQ)."""
    return process_partial_response(
        event=event.to_dict(), record_handler=sign_record, processor=processor
    )
