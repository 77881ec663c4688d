"""``iotsphere alarms tail``: open alarms as they are raised, changed and cleared."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from iotsphere.client.session import SessionStore
from iotsphere.client.transport import ApiClient, ApiError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    tail = actions.add_parser("tail", help="print open alarms, then each change, until Ctrl-C")
    tail.add_argument("--every", type=float, default=5.0, help="seconds between polls")
    tail.add_argument("--once", action="store_true", help="print the open alarms and stop")


def run(
    args: argparse.Namespace,
    store: SessionStore | None = None,
    stop: threading.Event | None = None,
) -> int:
    client = ApiClient(store or SessionStore())
    stop = stop or threading.Event()
    seen: dict[str, tuple[Any, ...]] = {}
    try:
        while True:
            for line in changes(open_alarms(client), seen):
                print(line, flush=True)
            if args.once or stop.wait(args.every):
                return 0
    except ApiError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


def open_alarms(client: ApiClient) -> list[dict[str, Any]]:
    alarms: list[dict[str, Any]] = []
    cursor = None
    while True:
        path = "/v1/alarms?limit=100" + (f"&cursor={cursor}" if cursor else "")
        page = client.call("GET", path).body
        alarms += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return alarms


def describe(alarm: dict[str, Any]) -> str:
    acked = "acked " if alarm["acknowledged"] else ""
    return (
        f"{alarm['last_at']}  {alarm['severity']:<8} {alarm['status']:<12} {acked}"
        f"{alarm['device_id']} {alarm['metric']} = {alarm['last_value']}"
        f"  (rule {alarm['rule_id']}, alarm {alarm['id']})"
    )


def changes(alarms: list[dict[str, Any]], seen: dict[str, tuple[Any, ...]]) -> list[str]:
    """A line for each alarm that is new or changed since the last poll, and for each that left."""
    lines = []
    current = {a["id"]: a for a in alarms}
    for alarm_id, alarm in current.items():
        state = (alarm["status"], alarm["acknowledged"], alarm["count"], alarm["severity"])
        if seen.get(alarm_id) != state:
            lines.append(describe(alarm))
            seen[alarm_id] = state
    for alarm_id in [known for known in seen if known not in current]:
        lines.append(f"cleared or closed: alarm {alarm_id}")
        del seen[alarm_id]
    return lines
