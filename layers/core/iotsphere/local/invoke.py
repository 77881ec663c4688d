"""``iotsphere invoke FUNCTION EVENT.json``: run one function once on a sample event."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from iotsphere.local.config import DEFAULT_CONFIG, StackConfigError, child_env, load_stack_config
from iotsphere.local.functions_app import import_handler, resolve_targets
from iotsphere.local.lambda_events import LambdaContext
from iotsphere.local.runner import functions_dir_of


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("function", help="a function name from samplelocal.yml or functions/app.py")
    parser.add_argument(
        "event", type=Path, help="a sample event, e.g. events/ingest/sqs-valid.json"
    )
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="stack file (samplelocal.yml)")


def run(args: argparse.Namespace) -> int:
    config = load_stack_config(args.config)
    functions_dir = functions_dir_of(args.config)
    targets = resolve_targets(config, functions_dir)
    target = next((t for t in targets if args.function in (t.key, t.name)), None)
    if target is None:
        names = ", ".join(sorted({t.key for t in targets} | {t.name for t in targets}))
        raise StackConfigError(f"no function {args.function!r}; known: {names}")
    os.environ.update(child_env(config))
    event = json.loads(args.event.read_text(encoding="utf-8"))
    handler = import_handler(target.handler_string, functions_dir)
    result = handler(event, LambdaContext(function_name=target.name, timeout_s=target.timeout_s))
    print(json.dumps(result, indent=2, default=str))
    return 0
