"""SQS queues (each with its dead-letter queue) and S3 buckets in LocalStack, idempotently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from iotsphere.local.config import StackConfig
from iotsphere.local.functions_app import chalice_timeouts

VISIBILITY_FACTOR = 6  # a queue hides a message for 6x its consumer's timeout (AWS's advice)
DLQ_RETENTION_S = 14 * 24 * 3600


def aws(service: str, config: StackConfig) -> Any:
    localstack = config.services.localstack
    return boto3.client(
        service,
        endpoint_url=f"http://127.0.0.1:{localstack.port}",
        region_name=localstack.region,
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106 (LocalStack's dummy credentials)
    )


def consumer_of(queue: str, config: StackConfig) -> str | None:
    spec = config.queues[queue]
    if spec.consumer is not None:
        return spec.consumer
    return next((k for k, f in config.functions.items() if f.trigger.queue == queue), None)


def visibility_timeout(queue: str, config: StackConfig, functions_dir: Path) -> int:
    """6x the Lambda timeout of the queue's consumer: the ``lambda_functions`` entry of
    ``.chalice/config.json`` named after the function (``ingest`` -> ``ingest_telemetry``),
    else the stage's ``lambda_timeout``."""
    default, per_function = chalice_timeouts(functions_dir)
    consumer = consumer_of(queue, config)
    timeout = default
    if consumer is not None:
        names = sorted(n for n in per_function if n == consumer or n.startswith(f"{consumer}_"))
        timeout = per_function[names[0]] if names else default
    return VISIBILITY_FACTOR * timeout


def ensure_queue(sqs: Any, name: str, attributes: dict[str, str]) -> str:
    url = str(sqs.create_queue(QueueName=name)["QueueUrl"])
    sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    return url


def provision_queues(sqs: Any, config: StackConfig, functions_dir: Path) -> list[str]:
    """Each queue of ``queues:`` with ``<name>-dlq`` (14 days) and a redrive policy to it."""
    done = []
    for name, spec in config.queues.items():
        dlq = ensure_queue(sqs, f"{name}-dlq", {"MessageRetentionPeriod": str(DLQ_RETENTION_S)})
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])
        redrive = {
            "deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"],
            "maxReceiveCount": str(spec.max_receive_count),
        }
        visibility = visibility_timeout(name, config, functions_dir)
        ensure_queue(
            sqs,
            name,
            {"VisibilityTimeout": str(visibility), "RedrivePolicy": json.dumps(redrive)},
        )
        done.append(f"queue {name} (visibility {visibility}s, dlq {name}-dlq)")
    return done


def provision_buckets(s3: Any, config: StackConfig) -> list[str]:
    region = config.services.localstack.region
    for bucket in config.buckets:
        extra: dict[str, Any] = {}
        if region != "us-east-1":
            extra["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            s3.create_bucket(Bucket=bucket, **extra)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "BucketAlreadyOwnedByYou":
                raise
    return [f"bucket {bucket}" for bucket in config.buckets]


def provision_bucket_cors(s3: Any, config: StackConfig) -> list[str]:
    """Buckets the web app uploads to (a presigned PUT from the browser) answer the preflight for
    the web app's own origin; every other origin is refused as before."""
    web = config.services.web.port
    rule = {
        "AllowedOrigins": [f"http://127.0.0.1:{web}", f"http://localhost:{web}"],
        "AllowedMethods": ["PUT"],
        "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag"],
        "MaxAgeSeconds": 600,
    }
    for bucket in config.browser_uploads:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [rule]})
    return [f"bucket {bucket}: PUT from the web app" for bucket in config.browser_uploads]


def provision_bucket_notifications(s3: Any, sqs: Any, config: StackConfig) -> list[str]:
    """Each bucket's object-created events to its queue; one configuration per bucket, replaced
    whole, so running it again changes nothing."""
    per_bucket: dict[str, list[dict[str, Any]]] = {}
    for spec in config.bucket_notifications:
        url = sqs.get_queue_url(QueueName=spec.queue)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        rules = [{"Name": "prefix", "Value": spec.prefix}] if spec.prefix else []
        per_bucket.setdefault(spec.bucket, []).append(
            {
                "QueueArn": arn["Attributes"]["QueueArn"],
                "Events": ["s3:ObjectCreated:*"],
                **({"Filter": {"Key": {"FilterRules": rules}}} if rules else {}),
            }
        )
    for bucket, queues in per_bucket.items():
        s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"QueueConfigurations": queues}
        )
    return [
        f"bucket {spec.bucket}/{spec.prefix}* -> queue {spec.queue}"
        for spec in config.bucket_notifications
    ]
