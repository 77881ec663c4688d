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
