"""A rule read back with ``GET /v1/rules/{id}`` and saved to a file is a draft the backtest route
takes once the CLI's rule-file reader has set the server's fields aside."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.services.alerting.rule_file import read_rule_file
from tests.functions.alert_fakes import install_alert_fakes, locations, pump_type, send

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
RULE = {
    "name": "Pump overheating",
    "scope": {"kind": "device_type", "value": "pump"},
    "metric": "temperature",
    "severity": "major",
    "condition": {"type": "threshold", "op": "above", "set": 80, "clear": 75},
    "escalation": [{"after_s": 900, "notify": "shift-lead"}],
}


@pytest.fixture
def fakes(monkeypatch):
    found = install_alert_fakes(monkeypatch)
    found.types.add(pump_type())
    return found


def test_a_rule_saved_from_the_api_backtests_as_a_draft_once_read_as_a_rule_file(
    client, fakes, tmp_path
):
    assert send(client, "PUT", "/v1/rules/pump-hot", RULE).status_code == 200
    saved = send(client, "GET", "/v1/rules/pump-hot").json_body
    rule_file = tmp_path / "rule.json"
    rule_file.write_text(json.dumps(saved))
    window = {"start": AT.isoformat(), "end": (AT + timedelta(hours=1)).isoformat()}

    as_saved = send(client, "POST", "/v1/backtests", {**window, "rule": saved})
    assert as_saved.status_code == 422
    draft = read_rule_file(rule_file, "a draft is tried as the caller's organization")
    set_aside = sorted(set(saved) - set(draft))
    assert sorted(locations(as_saved)) == [f"body.rule.{field}" for field in set_aside]

    answer = send(client, "POST", "/v1/backtests", {**window, "rule": draft})
    assert answer.status_code == 200, answer.body
