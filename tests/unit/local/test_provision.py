"""Queues and buckets against moto: dead-letter queues, redrive, visibility, idempotence."""

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from iotsphere.local.config import StackConfig
from iotsphere.local.provision_aws import provision_buckets, provision_queues, visibility_timeout

CONFIG = StackConfig.model_validate(
    {
        "queues": {
            "telemetry": {"consumer": "ingest", "max_receive_count": 4},
            "alerts": {"max_receive_count": 5},
        },
        "buckets": ["firmware", "reports"],
        "functions": {"ingest": {"trigger": {"queue": "telemetry"}}},
    }
)


@pytest.fixture
def functions_dir(tmp_path: Path) -> Path:
    chalice = tmp_path / ".chalice"
    chalice.mkdir()
    ingest = {"ingest_telemetry": {"lambda_timeout": 10}}
    stages = {"dev": {"lambda_timeout": 30, "lambda_functions": ingest}}
    (chalice / "config.json").write_text(json.dumps({"stages": stages}))
    return tmp_path


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    with mock_aws():
        yield lambda service: boto3.client(service, region_name="us-east-1")


def attributes(sqs, name: str) -> dict[str, str]:
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    found.pop("LastModifiedTimestamp", None)  # setting the same values again touches it
    return found


def test_visibility_is_six_times_the_consumers_timeout(functions_dir: Path):
    assert visibility_timeout("telemetry", CONFIG, functions_dir) == 60  # ingest_telemetry: 10 s


def test_a_queue_without_a_consumer_uses_the_stage_timeout(functions_dir: Path):
    assert visibility_timeout("alerts", CONFIG, functions_dir) == 180


def test_the_consumer_may_be_named_by_the_functions_trigger_alone(functions_dir: Path):
    config = CONFIG.model_copy(update={"queues": {"telemetry": CONFIG.queues["alerts"]}})
    assert visibility_timeout("telemetry", config, functions_dir) == 60


def test_each_queue_gets_a_dead_letter_queue_and_a_redrive_policy(aws, functions_dir: Path):
    sqs = aws("sqs")
    provision_queues(sqs, CONFIG, functions_dir)
    telemetry = attributes(sqs, "telemetry")
    dlq = attributes(sqs, "telemetry-dlq")
    redrive = json.loads(telemetry["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == dlq["QueueArn"]
    assert int(redrive["maxReceiveCount"]) == 4
    assert telemetry["VisibilityTimeout"] == "60"
    assert dlq["MessageRetentionPeriod"] == str(14 * 24 * 3600)
    assert attributes(sqs, "alerts")["VisibilityTimeout"] == "180"


def test_provisioning_twice_changes_nothing(aws, functions_dir: Path):
    sqs, s3 = aws("sqs"), aws("s3")
    provision_queues(sqs, CONFIG, functions_dir)
    provision_buckets(s3, CONFIG)
    before = {name: attributes(sqs, name) for name in ("telemetry", "telemetry-dlq", "alerts")}
    provision_queues(sqs, CONFIG, functions_dir)
    provision_buckets(s3, CONFIG)
    after = {name: attributes(sqs, name) for name in before}
    assert after == before
    assert len(sqs.list_queues()["QueueUrls"]) == 4
    assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == ["firmware", "reports"]


def test_a_changed_receive_count_is_applied_to_the_existing_queue(aws, functions_dir: Path):
    sqs = aws("sqs")
    provision_queues(sqs, CONFIG, functions_dir)
    changed = CONFIG.model_copy(
        update={"queues": {**CONFIG.queues, "telemetry": CONFIG.queues["alerts"]}}
    )
    provision_queues(sqs, changed, functions_dir)
    assert int(json.loads(attributes(sqs, "telemetry")["RedrivePolicy"])["maxReceiveCount"]) == 5


def test_buckets_the_web_app_uploads_to_accept_puts_from_its_origin_only(aws):
    """The firmware upload page PUTs the image to its presigned URL from the browser: the bucket
    must answer the preflight for the web app's origin, and for no other."""
    from iotsphere.local.provision_aws import provision_bucket_cors

    config = CONFIG.model_copy(
        update={"browser_uploads": ["firmware"], "services": CONFIG.services}
    )
    s3 = aws("s3")
    provision_buckets(s3, config)
    assert provision_bucket_cors(s3, config) == ["bucket firmware: PUT from the web app"]
    (rule,) = s3.get_bucket_cors(Bucket="firmware")["CORSRules"]
    web = config.services.web.port
    assert sorted(rule["AllowedOrigins"]) == [f"http://127.0.0.1:{web}", f"http://localhost:{web}"]
    assert rule["AllowedMethods"] == ["PUT"]
    assert provision_bucket_cors(s3, config) == ["bucket firmware: PUT from the web app"]
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_cors(Bucket="reports")
