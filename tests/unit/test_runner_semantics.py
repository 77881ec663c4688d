import pytest

from iotsphere.local.config import StackConfigError
from iotsphere.local.lambda_events import LambdaContext, failed_message_ids, sqs_event
from iotsphere.local.schedule import interval_seconds
from iotsphere.local.worker import invoke_batch

IDS = ["a", "b", "c"]


def messages():
    return [
        {"MessageId": i, "ReceiptHandle": f"rh-{i}", "Body": f"body-{i}", "Attributes": {}}
        for i in IDS
    ]


@pytest.mark.parametrize(
    ("result", "failed"),
    [
        (None, set()),
        ({"batchItemFailures": []}, set()),
        ({"batchItemFailures": [{"itemIdentifier": "b"}]}, {"b"}),
        ({"batchItemFailures": [{"itemIdentifier": "zzz"}]}, set(IDS)),
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, set(IDS)),
        ({"batchItemFailures": [{}]}, set(IDS)),
        ({"batchItemFailures": "oops"}, set(IDS)),
    ],
)
def test_batch_item_failures_are_read_as_lambda_reads_them(result, failed):
    assert failed_message_ids(result, IDS) == failed


def test_sqs_event_has_the_lambda_shape_and_distinct_ids():
    event = sqs_event(messages(), "arn:aws:sqs:us-east-1:000000000000:q", "us-east-1")
    records = event["Records"]
    assert [r["messageId"] for r in records] == IDS
    assert {r["eventSource"] for r in records} == {"aws:sqs"}
    assert records[1]["body"] == "body-b"
    assert records[1]["receiptHandle"] == "rh-b"


def test_a_handler_that_raises_keeps_the_whole_batch():
    def boom(event, context):
        raise RuntimeError("down")

    assert invoke_batch(boom, messages(), LambdaContext("f"), "arn", "r") == set(IDS)


def test_a_handler_reporting_one_failure_keeps_only_that_one():
    def partial(event, context):
        assert context.get_remaining_time_in_millis() > 0
        return {"batchItemFailures": [{"itemIdentifier": event["Records"][2]["messageId"]}]}

    assert invoke_batch(partial, messages(), LambdaContext("f"), "arn", "r") == {"c"}


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(1 minute)", 60),
        ("rate(5 minutes)", 300),
        ("rate(2 hours)", 7200),
        ("rate(1 day)", 86400),
    ],
)
def test_rate_expressions(expression, seconds):
    assert interval_seconds(expression) == seconds


@pytest.mark.parametrize("expression", ["cron(0 * * * ? *)", "rate(0 minutes)", "rate(5 weeks)"])
def test_unsupported_expressions_are_refused_clearly(expression):
    with pytest.raises(StackConfigError, match="schedule"):
        interval_seconds(expression)


def test_a_warm_schedule_fires_each_interval_and_survives_a_failing_tick():
    """The scheduled worker stays up between ticks (a warm container): a cold Python start per
    tick cost seconds of CPU each minute and showed up as a stall in the telemetry tail."""
    import threading

    from iotsphere.local.worker import fire_every

    stop = threading.Event()
    calls: list[str] = []

    def handler(event: dict[str, object], context: object) -> None:
        calls.append(str(event["detail-type"]))
        if len(calls) == 1:
            raise RuntimeError("the first tick fails")
        if len(calls) == 3:
            stop.set()

    waits: list[float] = []

    def wait(seconds: float) -> bool:
        waits.append(seconds)
        return stop.is_set()

    fire_every(handler, "sweep", every_s=60, timeout_s=30, region="us-east-1", wait=wait)
    assert calls == ["Scheduled Event"] * 3
    assert waits == [60, 60, 60, 60]


def test_the_runner_keeps_one_warm_worker_per_schedule():
    from pathlib import Path

    from iotsphere.local.functions_app import FunctionTarget
    from iotsphere.local.runner import worker_command

    target = FunctionTarget(
        key="sweep",
        name="sweep",
        handler_string="chalicelib.alerts.sweep",
        timeout_s=60,
        queue=None,
        batch_size=1,
        concurrency=1,
        schedule="rate(2 minutes)",
    )
    command = worker_command(target, Path("functions"), scheduled=True)
    assert command[-3:] == ["--scheduled", "--every", "120"]
