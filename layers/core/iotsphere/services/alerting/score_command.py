"""``iotsphere alerts score --rule rule.json --input in.csv [--output out.csv]``.

The rule file holds a draft, or a rule saved from the API, as ``backtest --rule-file`` reads it
(``rule_file``); a missing name or scope gets a placeholder, since scoring a series needs neither.
The input is one series, so a composite whose conditions read other metrics is refused (exit 2, the
metrics named): backtest it instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from iotsphere.domain.alerting.errors import RuleValidationError
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.services.alerting.rule_file import RuleFileError, read_rule_file
from iotsphere.services.alerting.scoring import score_series
from iotsphere.services.alerting.series_csv import SeriesFormatError, read_series, write_scored

DRAFT = {"id": "draft", "org_id": "local", "name": "draft", "scope": {"kind": "all"}}
HELP = "score a timestamp,value CSV with a rule"


def add_arguments(score: argparse.ArgumentParser) -> None:
    """The options of ``score``; ``iotsphere alerts`` (``iotsphere.client.alerts``) puts it
    beside ``backtest``, which asks the API and so lives above this layer."""
    score.add_argument(
        "--rule",
        required=True,
        type=Path,
        help="the rule as JSON: a draft, or as GET /v1/rules/{id} gives it",
    )
    score.add_argument("--input", required=True, type=Path, help="CSV of timestamp,value")
    score.add_argument("--output", type=Path, help="where to write (default: standard output)")


def run(args: argparse.Namespace) -> int:
    try:
        draft = read_rule_file(args.rule, "scoring reads only the rule's definition")
        rule = parse_rule({**DRAFT, **draft})
        if len(rule.metrics) > 1:
            raise ValueError(
                f"the rule reads several metrics ({', '.join(rule.metrics)}); this command "
                "reads one series (timestamp,value): score a rule over one metric"
            )
        with args.input.open(encoding="utf-8", newline="") as source:
            cells, series = read_series(source)
    except (OSError, ValueError, RuleFileError, RuleValidationError, SeriesFormatError) as exc:
        print(f"iotsphere alerts score: {exc}", file=sys.stderr)
        return 2
    scored = score_series(rule, series)
    if args.output is None:
        write_scored(sys.stdout, cells, scored)
    else:
        with args.output.open("w", encoding="utf-8", newline="") as out:
            write_scored(out, cells, scored)
    return 0
