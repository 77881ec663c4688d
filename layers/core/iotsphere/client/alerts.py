"""``iotsphere alerts score|backtest``: a rule tried offline on a CSV series, or over the stored
history through the API."""

from __future__ import annotations

import argparse

from iotsphere.client import backtest
from iotsphere.services.alerting import score_command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    score = actions.add_parser("score", help=score_command.HELP, description=score_command.HELP)
    score_command.add_arguments(score)
    tried = actions.add_parser("backtest", help=backtest.HELP, description=backtest.HELP)
    backtest.add_arguments(tried)


def run(args: argparse.Namespace) -> int:
    return score_command.run(args) if args.action == "score" else backtest.run(args)
