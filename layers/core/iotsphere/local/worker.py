"""One local 'Lambda container': long-polls a queue and invokes a handler by its handler string.

Run as ``python -m iotsphere.local.worker``; the runner starts one per function and concurrency,
and one per schedule that stays warm between ticks (as a Lambda container does).
Like the SQS event source mapping, it deletes the messages a batch handled, leaves the ones named
in ``batchItemFailures`` (all of them when the handler raised) to reappear after the visibility
timeout, and SQS moves a message to its dead-letter queue after ``maxReceiveCount`` receives.

A batch larger than SQS's ten messages per receive is filled as Lambda's poller fills one while
messages are waiting: receives that come back full are followed by more, without waiting, up to
the function's ``batch_size``. Unlike Lambda it does not wait out ``maximum_batching_window`` when
the queue holds less: this one poller has no other way to keep up with a backlog (Lambda would
add concurrent invocations), and a shallow queue should cost no latency (docs/decisions.md).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.local.functions_app import import_handler
from iotsphere.local.lambda_events import (
    LambdaContext,
    failed_message_ids,
    scheduled_event,
    sqs_event,
)
from iotsphere.settings import Settings

POLL_WAIT_S = 2
SQS_MAX_MESSAGES = 10  # per ReceiveMessage and per DeleteMessageBatch


def _log(**fields: Any) -> None:
    print(json.dumps({"service": "runner", **fields}, default=str), flush=True)


def invoke_batch(
    handler: Callable[..., Any],
    messages: list[dict[str, Any]],
    context: LambdaContext,
    queue_arn: str,
    region: str,
) -> set[str]:
    """Invoke the handler on one batch; return the ids of the messages that must stay."""
    ids = [m["MessageId"] for m in messages]
    try:
        result = handler(sqs_event(messages, queue_arn, region), context)
    except Exception:
        _log(level="ERROR", function=context.function_name, error=traceback.format_exc(limit=5))
        return set(ids)
    return failed_message_ids(result, ids)


def receive_batch(sqs: Any, url: str, batch_size: int, wait_s: float) -> list[dict[str, Any]]:
    """Long-poll for the first messages, then, while each receive comes back full, take more
    without waiting until ``batch_size``."""
    messages: list[dict[str, Any]] = []
    wait = wait_s
    while len(messages) < batch_size:
        asked = min(batch_size - len(messages), SQS_MAX_MESSAGES)
        response = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=asked,
            WaitTimeSeconds=wait,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        received = response.get("Messages", [])
        messages += received
        if len(received) < asked:
            break
        wait = 0
    return messages


def delete_done(sqs: Any, url: str, done: list[dict[str, Any]]) -> None:
    for start in range(0, len(done), SQS_MAX_MESSAGES):
        chunk = done[start : start + SQS_MAX_MESSAGES]
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)
            ],
        )


def poll_queue(
    handler: Callable[..., Any],
    function_name: str,
    queue: str,
    batch_size: int,
    timeout_s: float,
    settings: Settings,
    stop: threading.Event,
) -> None:
    sqs = aws_client("sqs", settings)
    url = queue_url(sqs, queue)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    while not stop.is_set():
        messages = receive_batch(sqs, url, batch_size, POLL_WAIT_S)
        if not messages:
            continue
        context = LambdaContext(function_name=function_name, timeout_s=timeout_s)
        keep = invoke_batch(handler, messages, context, arn, settings.aws_region)
        done = [m for m in messages if m["MessageId"] not in keep]
        delete_done(sqs, url, done)
        if keep:
            _log(level="WARNING", function=function_name, failed=len(keep), batch=len(messages))


def fire_every(
    handler: Callable[..., Any],
    function_name: str,
    every_s: float,
    timeout_s: float,
    region: str,
    wait: Callable[[float], bool],
) -> None:
    """Invoke the handler with a scheduled event after each ``every_s`` until ``wait`` says stop.
    A failing tick is logged and the next one comes on time, as EventBridge fires regardless."""
    rule_arn = f"arn:aws:events:{region}:000000000000:rule/{function_name}"
    while not wait(every_s):
        try:
            handler(
                scheduled_event(rule_arn, region), LambdaContext(function_name, timeout_s=timeout_s)
            )
        except Exception:
            _log(level="ERROR", function=function_name, error=traceback.format_exc(limit=5))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iotsphere.local.worker")
    parser.add_argument("--functions-dir", required=True, type=Path)
    parser.add_argument("--handler", required=True, help="handler string, e.g. chalicelib.ingest.f")
    parser.add_argument("--name", required=True, help="the function's name")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--queue", help="poll this queue")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument(
        "--scheduled", action="store_true", help="invoke with a scheduled event (once)"
    )
    parser.add_argument(
        "--every", type=float, help="with --scheduled: stay up and invoke every N seconds"
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    handler = import_handler(args.handler, args.functions_dir.resolve())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.scheduled and args.every:
        _log(level="INFO", function=args.name, message="scheduled", every_s=args.every)
        fire_every(handler, args.name, args.every, args.timeout, settings.aws_region, stop.wait)
        return 0
    if args.scheduled:
        rule_arn = f"arn:aws:events:{settings.aws_region}:000000000000:rule/{args.name}"
        handler(
            scheduled_event(rule_arn, settings.aws_region),
            LambdaContext(args.name, timeout_s=args.timeout),
        )
        return 0
    if not args.queue:
        parser.error("give --queue or --scheduled")
    _log(level="INFO", function=args.name, message="polling", queue=args.queue)
    poll_queue(handler, args.name, args.queue, args.batch_size, args.timeout, settings, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
