"""The Alerts API on the real stack: rules saved, listed and backtested over InfluxDB history,
alarms listed and handled in MongoDB, silences, and every object of one organization out of the
other's reach (404)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.database import Database

from iotsphere.adapters.influx_telemetry import InfluxTelemetryStore
from iotsphere.adapters.mongo_alerting_state import ALARMS, MongoAlarmStore
from iotsphere.bootstrap import connect_mongo
from iotsphere.domain.alerting.alarm_lifecycle import raise_alarm
from iotsphere.domain.alerting.rules import Rule
from iotsphere.domain.telemetry import Reading
from iotsphere.local.stack import Stack
from tests.e2e.api.client import Organization
from tests.e2e.api.registry import register_pumps

pytestmark = pytest.mark.e2e

NOW = datetime.now(tz=UTC).replace(microsecond=0)
SPIKE_AT = NOW - timedelta(hours=2)
ABOVE = {"type": "threshold", "op": "above", "set": 80, "clear": 75}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def rule_body(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Pump overheating",
        "scope": {"kind": "all"},
        "metric": "temperature",
        "severity": "major",
        "condition": ABOVE,
        **extra,
    }


@pytest.fixture(scope="module")
def database(stack: Stack) -> Iterator[Database[dict[str, Any]]]:
    found = connect_mongo(stack.settings)
    yield found
    found.client.close()


@pytest.fixture(scope="module")
def devices(stack: Stack, database, org_a: Organization) -> list[str]:
    """Three devices of organization A in the registry; the first had a spike two hours ago."""
    ids = [unique("e2e-pump") for _ in range(3)]
    register_pumps(database, [(device_id, org_a.org_id) for device_id in ids], NOW)
    readings = [
        Reading(device_id=ids[0], ts=SPIKE_AT + timedelta(minutes=m), metrics={"temperature": v})
        for m, v in [(1, 70.0), (2, 90.0), (3, 70.0)]
    ]
    assert InfluxTelemetryStore.from_settings(stack.settings).write(readings) == []
    return ids


def save_rule(org: Organization, rule_id: str, **extra: Any) -> dict[str, Any]:
    answer = org.operator.put(f"/v1/rules/{rule_id}", json=rule_body(**extra))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_an_operator_saves_a_rule_everyone_in_the_organization_reads(org_a: Organization):
    rule_id = unique("e2e-hot")
    saved = save_rule(org_a, rule_id, severity="critical")
    assert (saved["id"], saved["org_id"], saved["lateness_s"]) == (rule_id, org_a.org_id, 60)
    assert org_a.viewer.get(f"/v1/rules/{rule_id}").json() == saved
    listed = org_a.viewer.get("/v1/rules", params={"severity": "critical", "limit": 100})
    assert rule_id in {rule["id"] for rule in listed.json()["items"]}
    refused = org_a.viewer.put(f"/v1/rules/{rule_id}", json=rule_body(enabled=False))
    assert refused.status_code == 403
    assert org_a.viewer.get(f"/v1/rules/{rule_id}").json()["enabled"] is True


def test_an_invalid_rule_is_422_naming_the_field(org_a: Organization):
    rule_id = unique("e2e-bad")
    bad = rule_body(condition={**ABOVE, "clear": 85})
    answer = org_a.operator.put(f"/v1/rules/{rule_id}", json=bad)
    assert answer.status_code == 422
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert [e["location"] for e in answer.json()["errors"]] == ["body.condition.clear"]
    assert org_a.viewer.get(f"/v1/rules/{rule_id}").status_code == 404


def test_rules_come_a_page_at_a_time_filtered_by_metric(org_a: Organization):
    metric = "m" + uuid.uuid4().hex[:10]
    ids = sorted(unique("e2e-page") for _ in range(3))
    for rule_id in ids:
        save_rule(org_a, rule_id, metric=metric)
    first = org_a.viewer.get("/v1/rules", params={"metric": metric, "limit": 2}).json()
    assert ([r["id"] for r in first["items"]], first["next_cursor"]) == (ids[:2], ids[1])
    rest = org_a.viewer.get(
        "/v1/rules", params={"metric": metric, "limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert ([r["id"] for r in rest["items"]], rest["next_cursor"]) == (ids[2:], None)


def test_a_draft_and_a_saved_rule_are_backtested_over_stored_history(
    org_a: Organization, devices: list[str]
):
    window = {
        "start": (SPIKE_AT - timedelta(minutes=30)).isoformat(),
        "end": (SPIKE_AT + timedelta(minutes=30)).isoformat(),
    }
    draft = rule_body(scope={"kind": "device", "value": devices[0]})
    answer = org_a.operator.post("/v1/backtests", json={**window, "rule": draft})
    assert answer.status_code == 200, answer.text
    expected = [
        {
            "device_id": devices[0],
            "raised_at": (SPIKE_AT + timedelta(minutes=2)).isoformat().replace("+00:00", "Z"),
            "cleared_at": (SPIKE_AT + timedelta(minutes=3)).isoformat().replace("+00:00", "Z"),
            "value": 90.0,
        }
    ]
    assert answer.json()["alarms"] == expected
    rule_id = unique("e2e-try")
    save_rule(org_a, rule_id, enabled=False, scope={"kind": "device", "value": devices[0]})
    saved = org_a.operator.post(f"/v1/rules/{rule_id}/backtest", json=window)
    assert (saved.status_code, saved.json()["alarms"]) == (200, expected)


def test_a_backtest_over_the_range_limit_is_422(org_a: Organization):
    window = {"start": (NOW - timedelta(days=40)).isoformat(), "end": NOW.isoformat()}
    answer = org_a.operator.post("/v1/backtests", json={**window, "rule": rule_body()})
    assert answer.status_code == 422
    assert "31 days" in answer.json()["detail"]


def test_another_organizations_rule_is_not_found(
    org_a: Organization, org_b: Organization, devices: list[str]
):
    rule_id = unique("e2e-mine")
    save_rule(org_a, rule_id)
    window = {"start": (NOW - timedelta(hours=3)).isoformat(), "end": NOW.isoformat()}
    assert org_b.admin.get(f"/v1/rules/{rule_id}").status_code == 404
    assert org_b.admin.delete(f"/v1/rules/{rule_id}").status_code == 404
    assert org_b.admin.post(f"/v1/rules/{rule_id}/backtest", json=window).status_code == 404
    listed = org_b.admin.get("/v1/rules", params={"limit": 100}).json()["items"]
    assert rule_id not in {rule["id"] for rule in listed}
    # the same id in organization B is B's own rule, and A's stays as it was
    assert org_b.operator.put(f"/v1/rules/{rule_id}", json=rule_body(name="B's")).status_code == 200
    assert org_a.viewer.get(f"/v1/rules/{rule_id}").json()["name"] == "Pump overheating"
    # a draft scoped to A's device sees nothing of A's history from B
    draft = rule_body(scope={"kind": "device", "value": devices[0]})
    spike = {
        "start": (SPIKE_AT - timedelta(minutes=30)).isoformat(),
        "end": (SPIKE_AT + timedelta(minutes=30)).isoformat(),
    }
    from_b = org_b.operator.post("/v1/backtests", json={**spike, "rule": draft})
    assert (from_b.status_code, from_b.json()["alarms"]) == (200, [])
    assert org_a.operator.delete(f"/v1/rules/{rule_id}").status_code == 204
    assert org_a.viewer.get(f"/v1/rules/{rule_id}").status_code == 404
    assert org_b.viewer.get(f"/v1/rules/{rule_id}").json()["name"] == "B's"


@pytest.fixture(scope="module")
def alarms(database, org_a: Organization, devices: list[str]) -> tuple[str, list[str]]:
    """A rule of organization A and an alarm it raised on each device, a minute apart."""
    rule_id = unique("e2e-alarm")
    rule = Rule.model_validate(save_rule(org_a, rule_id))
    raised = []
    for minute, device_id in enumerate(devices):
        at = SPIKE_AT + timedelta(minutes=minute)
        alarm, _ = raise_alarm(None, rule, device_id, at, 90.0, now=at)
        raised.append(alarm)
    MongoAlarmStore(database[ALARMS]).save(raised)
    return rule_id, [alarm.id for alarm in raised]


def test_alarms_are_listed_latest_first_a_page_at_a_time(org_a: Organization, alarms):
    rule_id, ids = alarms
    seen, cursor = [], None
    while True:
        params = {"rule_id": rule_id, "status": "any", "limit": 1}
        page = org_a.viewer.get(
            "/v1/alarms", params={**params, "cursor": cursor} if cursor else params
        )
        assert page.status_code == 200, page.text
        seen += [alarm["id"] for alarm in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))


def test_an_alarm_is_acknowledged_once_commented_and_cleared_by_hand(org_a: Organization, alarms):
    rule_id, ids = alarms
    alarm_id = ids[0]
    acknowledged = org_a.operator.post(f"/v1/alarms/{alarm_id}/ack")
    assert acknowledged.status_code == 200, acknowledged.text
    assert acknowledged.json()["status"] == "acknowledged"
    assert org_a.admin.post(f"/v1/alarms/{alarm_id}/ack").status_code == 409
    comment = org_a.operator.post(f"/v1/alarms/{alarm_id}/comments", json={"text": "on my way"})
    assert comment.status_code == 201, comment.text
    cleared = org_a.operator.post(f"/v1/alarms/{alarm_id}/clear")
    assert (cleared.status_code, cleared.json()["status"]) == (200, "cleared")
    read = org_a.viewer.get(f"/v1/alarms/{alarm_id}").json()
    assert [c["text"] for c in read["comments"]] == ["on my way"]
    kinds = [t["kind"] for t in read["transitions"]]  # from InfluxDB, newest first
    assert kinds == ["cleared", "commented", "acknowledged"]
    open_ones = org_a.viewer.get("/v1/alarms", params={"rule_id": rule_id}).json()["items"]
    assert alarm_id not in {alarm["id"] for alarm in open_ones}
    assert org_a.viewer.post(f"/v1/alarms/{ids[1]}/ack").status_code == 403


def test_of_concurrent_acknowledgements_exactly_one_wins(org_a: Organization, alarms):
    _, ids = alarms
    callers = [org_a.operator, org_a.admin] * 3
    with ThreadPoolExecutor(max_workers=len(callers)) as pool:
        answers = list(pool.map(lambda caller: caller.post(f"/v1/alarms/{ids[1]}/ack"), callers))
    assert sorted(answer.status_code for answer in answers) == [200] + [409] * 5
    winner = next(answer.json() for answer in answers if answer.status_code == 200)
    assert (
        org_a.viewer.get(f"/v1/alarms/{ids[1]}").json()["acknowledged_by"]
        == (winner["acknowledged_by"])
    )


def test_another_organizations_alarm_is_not_found(org_b: Organization, alarms):
    rule_id, ids = alarms
    alarm_id = ids[2]
    assert org_b.admin.get(f"/v1/alarms/{alarm_id}").status_code == 404
    for action, body in [
        ("ack", None),
        ("clear", None),
        ("assign", {"assignee": None}),
        ("comments", {"text": "mine now"}),
    ]:
        answer = org_b.admin.post(f"/v1/alarms/{alarm_id}/{action}", json=body)
        assert answer.status_code == 404, (action, answer.text)
    listed = org_b.admin.get("/v1/alarms", params={"status": "any", "rule_id": rule_id}).json()
    assert listed["items"] == []


def test_a_silence_is_created_listed_and_deleted_only_by_its_organization(
    org_a: Organization, org_b: Organization
):
    body = {
        "kind": "group",
        "value": "plant-1",
        "starts_at": NOW.isoformat(),
        "ends_at": (NOW + timedelta(hours=2)).isoformat(),
        "reason": "pump replacement",
    }
    created = org_a.operator.post("/v1/silences", json=body)
    assert created.status_code == 201, created.text
    silence_id = created.json()["id"]
    assert created.json()["org_id"] == org_a.org_id
    listed = org_a.viewer.get("/v1/silences", params={"limit": 100}).json()["items"]
    assert silence_id in {s["id"] for s in listed}
    assert silence_id not in {s["id"] for s in org_b.admin.get("/v1/silences").json()["items"]}
    assert org_b.admin.delete(f"/v1/silences/{silence_id}").status_code == 404
    assert org_a.operator.delete(f"/v1/silences/{silence_id}").status_code == 204
    assert org_a.operator.delete(f"/v1/silences/{silence_id}").status_code == 404
