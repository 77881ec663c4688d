"""``iotsphere alerts backtest``: the alarms a saved rule (``--rule``) or a draft (``--rule-file``)
would have raised from ``--start`` to ``--end``. The API replays the stored history
(``POST /v1/rules/{id}/backtest``, ``POST /v1/backtests``); nothing is saved and nobody is notified.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from iotsphere.client.session import SessionStore
from iotsphere.client.transport import ApiClient, ApiError, Transport
from iotsphere.services.alerting.backtest import MAX_RANGE
from iotsphere.services.alerting.rule_file import RuleFileError, read_rule_file
from iotsphere.services.time_arguments import TimeArguments, format_time, utc_now

HELP = "the alarms a saved or draft rule would have raised over a past time range"


def add_arguments(parser: argparse.ArgumentParser, clock: Callable[[], datetime] = utc_now) -> None:
    rule = parser.add_mutually_exclusive_group(required=True)
    rule.add_argument("--rule", metavar="RULE_ID", help="a saved rule, by its id")
    rule.add_argument(
        "--rule-file",
        type=Path,
        help="a draft: the rule as JSON, as PUT /v1/rules/{id} takes it (name optional) or as "
        "GET /v1/rules/{id} gives it (its id and organization are set aside)",
    )
    times = TimeArguments(parser, clock)
    times.add(
        "--start",
        required=True,
        help="ISO 8601 with a zone (2026-11-26T18:00:00Z), 'now', or back from now: -30s, -90m, "
        "-24h, -7d",
    )
    times.add("--end", required=True, help=f"the same, at most {MAX_RANGE.days} days after --start")
    parser.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="table: a line per raise and clear, then the counts; json: the API's answer",
    )


def run(
    args: argparse.Namespace, store: SessionStore | None = None, transport: Transport | None = None
) -> int:
    try:
        path, body = backtest_request(args)
    except RuleFileError as exc:
        print(f"iotsphere alerts backtest: {exc}", file=sys.stderr)
        return 2
    try:
        result = ApiClient(store or SessionStore(), transport).call("POST", path, body).body
    except ApiError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(result, indent=2))
        return 0
    for line in transition_lines(result["alarms"]):
        print(line)
    print(summary(result["alarms"], body["start"], body["end"]))
    return 0


def backtest_request(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """The route and body: a saved rule is one path segment, a draft goes in the body; the times
    go in UTC, as the API answers."""
    window = {"start": format_time(args.start), "end": format_time(args.end)}
    if args.rule is not None:
        return f"/v1/rules/{quote(args.rule, safe='')}/backtest", window
    draft = read_rule_file(args.rule_file, "a draft is tried as the caller's organization")
    return "/v1/backtests", {**window, "rule": draft}


def transition_lines(alarms: list[dict[str, Any]]) -> list[str]:
    """Raises and clears in time order; at one instant, in the API's order (a device's clear
    before its next raise)."""
    rows = []
    for alarm in alarms:
        rows.append((alarm["raised_at"], alarm["device_id"], "raised", alarm["value"]))
        if alarm["cleared_at"] is not None:
            rows.append((alarm["cleared_at"], alarm["device_id"], "cleared", None))
    rows.sort(key=lambda row: datetime.fromisoformat(row[0]))
    at_width = max((len(row[0]) for row in rows), default=0)
    device_width = max((len(row[1]) for row in rows), default=0)
    return [
        f"{at:<{at_width}}  {device:<{device_width}}  {kind:<7}  {'-' if value is None else value}"
        for at, device, kind, value in rows
    ]


def summary(alarms: list[dict[str, Any]], start: str, end: str) -> str:
    if not alarms:
        return f"no alarm would have been raised from {start} to {end}"
    devices = len({alarm["device_id"] for alarm in alarms})
    still_raised = sum(alarm["cleared_at"] is None for alarm in alarms)
    return (
        f"{counted(len(alarms), 'alarm')} on {counted(devices, 'device')}: "
        f"{len(alarms) - still_raised} cleared, {still_raised} still raised at {end}"
    )


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
