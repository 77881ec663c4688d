"""The SAM template from ``chalice package`` plus our merge template, checked by cfn-lint."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from iotsphere.local.package import package

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    out = tmp_path_factory.mktemp("sam")
    path = package(str(ROOT / "samplelocal.yml"), out)
    return path, json.loads(path.read_text())


def functions(template):
    return {
        k: v for k, v in template["Resources"].items() if v["Type"] == "AWS::Serverless::Function"
    }


def test_each_capability_is_its_own_function(template):
    handlers = {f["Properties"]["Handler"] for f in functions(template[1]).values()}
    assert "chalicelib.ingest.ingest_telemetry" in handlers
    assert "app.app" in handlers  # the HTTP API


def test_every_sqs_source_reports_batch_item_failures_on_a_declared_queue(template):
    resources = template[1]["Resources"]
    queues = {
        r["Properties"]["QueueName"]: logical_id
        for logical_id, r in resources.items()
        if r["Type"] == "AWS::SQS::Queue"
    }
    sources = [
        (function, event["Properties"])
        for function in functions(template[1]).values()
        for event in function["Properties"].get("Events", {}).values()
        if event["Type"] == "SQS"
    ]
    assert sources
    for function, source in sources:
        assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        queue_name = source["Queue"]["Fn::Sub"].rsplit(":", 1)[1]
        assert queues[queue_name] in function["DependsOn"]


def test_every_queue_has_a_dead_letter_queue_and_a_long_enough_visibility(template):
    resources = template[1]["Resources"]
    for name in ("Telemetry", "Alerts", "Notifications"):
        queue = resources[f"{name}Queue"]["Properties"]
        dlq_id = queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert resources[dlq_id]["Type"] == "AWS::SQS::Queue"
        assert queue["RedrivePolicy"]["maxReceiveCount"] >= 1
    ingest = resources["IngestTelemetry"]["Properties"]
    assert resources["TelemetryQueue"]["Properties"]["VisibilityTimeout"] >= 6 * ingest["Timeout"]


def test_the_template_passes_cfn_lint(template):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(template[0])],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
