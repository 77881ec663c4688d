"""``iotsphere quarantine list``: what ingest refused, newest first, with the reasons."""

from __future__ import annotations

import argparse
import json

from iotsphere.bootstrap import build_quarantine_store
from iotsphere.local.config import DEFAULT_CONFIG, load_stack_config


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["list"])
    parser.add_argument("--device", help="only this device")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="one JSON document per line")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="stack file (samplelocal.yml)")


def run(args: argparse.Namespace) -> int:
    store = build_quarantine_store(load_stack_config(args.config).settings())
    for message in store.list(device_id=args.device, limit=args.limit):
        if args.json:
            print(message.model_dump_json())
        else:
            payload = json.dumps(message.payload[:60])
            print(
                f"{message.received_at:%Y-%m-%d %H:%M:%S}  {message.device_id:<16} "
                f"{message.reason}  payload={payload}"
            )
    return 0
