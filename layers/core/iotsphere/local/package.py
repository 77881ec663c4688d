"""``iotsphere package OUT``: the AWS template, from the same samplelocal.yml the local stack uses.

``chalice package`` writes one function per decorator; the merge template made here adds what
Chalice cannot say: each queue with its dead-letter queue and redrive policy, the SQS event sources
reporting partial batch failures (``ReportBatchItemFailures``), and the core layer every function
carries (the ``iotsphere`` package and its dependencies, built into ``layers/core/build``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from iotsphere.local.config import DEFAULT_CONFIG, StackConfig, load_stack_config
from iotsphere.local.functions_app import FunctionTarget, resolve_targets
from iotsphere.local.runner import functions_dir_of

VISIBILITY_PER_TIMEOUT = 6
DLQ_RETENTION_S = 14 * 24 * 3600


def logical_id(name: str) -> str:
    """Chalice's logical ids: ``ingest_telemetry`` -> ``IngestTelemetry``."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_"))


def visibility_timeout(config: StackConfig, targets: list[FunctionTarget], queue: str) -> int:
    """At least six times the timeout of the function consuming the queue (AWS's advice)."""
    timeouts = [t.timeout_s for t in targets if t.queue == queue]
    return VISIBILITY_PER_TIMEOUT * max(timeouts, default=5)


def merge_template(config: StackConfig, targets: list[FunctionTarget]) -> dict[str, Any]:
    resources: dict[str, Any] = {
        "CoreLayer": {
            "Type": "AWS::Serverless::LayerVersion",
            "Properties": {
                "LayerName": "iotsphere-core",
                "ContentUri": "../layers/core/build",
                "CompatibleRuntimes": ["python3.13"],
            },
        }
    }
    for queue, spec in config.queues.items():
        queue_id, dlq_id = logical_id(queue) + "Queue", logical_id(queue) + "DeadLetterQueue"
        resources[dlq_id] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": f"{queue}-dlq", "MessageRetentionPeriod": DLQ_RETENTION_S},
        }
        resources[queue_id] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": queue,
                "VisibilityTimeout": visibility_timeout(config, targets, queue),
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
                    "maxReceiveCount": spec.max_receive_count,
                },
            },
        }
    for target in targets:
        if not target.queue:
            continue
        function_id = logical_id(target.name)
        # Chalice names the queue's ARN by the queue's name; the queue must exist first.
        resources[function_id] = {
            "DependsOn": [logical_id(target.queue) + "Queue"],
            "Properties": {
                "Events": {
                    f"{function_id}SqsEventSource": {
                        "Properties": {"FunctionResponseTypes": ["ReportBatchItemFailures"]}
                    }
                }
            },
        }
    return {"Globals": {"Function": {"Layers": [{"Ref": "CoreLayer"}]}}, "Resources": resources}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="folder for sam.json and deployment.zip")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="stack file (samplelocal.yml)")
    parser.add_argument("--stage", default="dev")


def package(config_path: str, out: Path, stage: str = "dev") -> Path:
    """Run ``chalice package`` with the merge template; return the SAM template's path."""
    config = load_stack_config(config_path)
    functions_dir = functions_dir_of(config_path)
    template = merge_template(config, resolve_targets(config, functions_dir))
    env = {"AWS_DEFAULT_REGION": config.services.localstack.region, **os.environ}
    with tempfile.TemporaryDirectory() as tmp:
        merge_file = Path(tmp) / "merge.json"
        merge_file.write_text(json.dumps(template), encoding="utf-8")
        chalice = Path(sys.executable).parent / "chalice"
        subprocess.run(
            [
                str(chalice),
                "package",
                "--stage",
                stage,
                "--merge-template",
                str(merge_file),
                str(out.resolve()),
            ],
            cwd=functions_dir,
            env=env,
            check=True,
            capture_output=True,
        )
    return out / "sam.json"


def run(args: argparse.Namespace) -> int:
    path = package(args.config, args.out, args.stage)
    print(f"SAM template: {path}")
    return 0
