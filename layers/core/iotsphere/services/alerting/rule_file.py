"""A rule JSON file as the command line reads it: a draft, or a rule an operator saved with
``GET /v1/rules/{id} > rule.json`` and edited.

``iotsphere alerts backtest --rule-file`` and ``iotsphere alerts score --rule`` both read rules
here, so they accept and refuse the same files. The fields the server owns (what ``GET`` adds to
the body ``PUT`` takes) are set aside, and the reader says which: a draft is never one
organization's saved rule. Any other field stays, so the API or the rule check names it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from iotsphere.services.alerting.errors import AlertingServiceError

# What GET /v1/rules/{id} answers beyond the body PUT /v1/rules/{id} takes.
SERVER_OWNED = ("id", "org_id")


class RuleFileError(AlertingServiceError):
    """The file cannot be read as a rule; the message names the file and why."""


def read_rule_file(file: Path, why: str) -> dict[str, Any]:
    """The draft in ``file``; a line on stderr names the fields set aside and ``why`` that is
    right for the command reading it."""
    try:
        found = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleFileError(f"{file}: {exc.strerror}") from exc
    except ValueError as exc:
        raise RuleFileError(f"{file}: not JSON ({exc})") from exc
    if not isinstance(found, dict):
        raise RuleFileError(f"{file}: expected a JSON object (a rule), not {type(found).__name__}")
    ignored = [key for key in SERVER_OWNED if key in found]
    if ignored:
        print(f"ignoring {', '.join(ignored)} from {file}: {why}", file=sys.stderr)
    return {key: value for key, value in found.items() if key not in SERVER_OWNED}
