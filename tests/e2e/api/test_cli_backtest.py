"""``iotsphere alerts backtest`` against the served API, over a spike stored in InfluxDB: a draft
from a file, a saved rule by id, that rule read back with GET into a file and tried over the last
hours (``--start -3h --end now``), and the API's problem when the range is too long."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.adapters.influx_telemetry import InfluxTelemetryStore
from iotsphere.bootstrap import connect_mongo
from iotsphere.client.session import Session, SessionStore
from iotsphere.domain.telemetry import Reading
from iotsphere.local.stack import Stack
from tests.e2e.api.client import ApiClient, Organization
from tests.e2e.api.registry import register_pumps
from tests.e2e.api.test_cli import cli

pytestmark = pytest.mark.e2e

NOW = datetime.now(tz=UTC).replace(microsecond=0)
SPIKE_AT = NOW - timedelta(hours=2)


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


@pytest.fixture
def pump(stack: Stack, org_a: Organization) -> str:
    """A device of organization A whose temperature was 70, 90, 70 a minute apart."""
    device_id = f"e2e-cli-pump-{uuid.uuid4().hex[:10]}"
    database = connect_mongo(stack.settings)
    try:
        register_pumps(database, [(device_id, org_a.org_id)], NOW)
    finally:
        database.client.close()
    readings = [
        Reading(device_id=device_id, ts=SPIKE_AT + timedelta(minutes=m), metrics={"temperature": v})
        for m, v in [(1, 70.0), (2, 90.0), (3, 70.0)]
    ]
    assert InfluxTelemetryStore.from_settings(stack.settings).write(readings) == []
    return device_id


def test_a_draft_and_a_saved_rule_are_backtested_from_the_cli(
    api: ApiClient, org_a: Organization, pump: str, tmp_path
):
    token = str(org_a.operator.authorization).removeprefix("Bearer ")
    session_file = tmp_path / ".config" / "iotsphere" / "session.json"
    SessionStore(session_file).save(Session(base_url=api.base_url, access_token=token))
    rule = {
        "scope": {"kind": "device", "value": pump},
        "metric": "temperature",
        "severity": "major",
        "condition": {"type": "threshold", "op": "above", "set": 80, "clear": 75},
    }
    draft_file = tmp_path / "draft.json"
    draft_file.write_text(json.dumps(rule))
    end = iso(SPIKE_AT + timedelta(minutes=30))
    window = ["--start", iso(SPIKE_AT - timedelta(minutes=30)), "--end", end]
    raised, cleared = iso(SPIKE_AT + timedelta(minutes=2)), iso(SPIKE_AT + timedelta(minutes=3))

    draft = cli(tmp_path, "alerts", "backtest", "--rule-file", str(draft_file), *window)
    assert draft.returncode == 0, draft.stderr
    assert [line.split() for line in draft.stdout.splitlines()] == [
        [raised, pump, "raised", "90.0"],
        [cleared, pump, "cleared", "-"],
        f"1 alarm on 1 device: 1 cleared, 0 still raised at {end}".split(),
    ]

    rule_id = f"e2e-cli-{uuid.uuid4().hex[:10]}"
    saved_rule = {**rule, "name": "CLI backtest", "enabled": False}
    assert org_a.operator.put(f"/v1/rules/{rule_id}", json=saved_rule).status_code == 200
    try:
        saved = cli(tmp_path, "alerts", "backtest", "--rule", rule_id, *window, "--format", "json")
        assert saved.returncode == 0, saved.stderr
        assert json.loads(saved.stdout)["alarms"] == [
            {"device_id": pump, "raised_at": raised, "cleared_at": cleared, "value": 90.0}
        ]
        saved_file = tmp_path / "rule.json"
        saved_file.write_text(org_a.operator.get(f"/v1/rules/{rule_id}").text)
        last_hours = ["--start", "-3h", "--end", "now"]
        again = cli(tmp_path, "alerts", "backtest", "--rule-file", str(saved_file), *last_hours)
        assert again.returncode == 0, again.stderr
        assert again.stderr == (
            f"ignoring id, org_id from {saved_file}: a draft is tried as the caller's "
            "organization\n"
        )
        assert [line.split()[:3] for line in again.stdout.splitlines()[:2]] == [
            [raised, pump, "raised"],
            [cleared, pump, "cleared"],
        ]
        too_long = ["--start", iso(NOW - timedelta(days=40)), "--end", iso(NOW)]
        refused = cli(tmp_path, "alerts", "backtest", "--rule", rule_id, *too_long)
        assert (refused.returncode, refused.stdout) == (1, "")
        assert refused.stderr.startswith("error: ")
        assert "31 days" in refused.stderr
        assert token not in refused.stderr
    finally:
        org_a.operator.delete(f"/v1/rules/{rule_id}")
