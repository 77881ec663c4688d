"""Rules and backtests through the HTTP routes: success and every way a request can fail."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.alerting.evaluator import new_state
from iotsphere.domain.alerting.transitions import to_ms
from iotsphere.domain.devices.device_type import DeviceType, MetricSpec
from tests.functions.alert_fakes import (
    OTHER_ORG,
    install_alert_fakes,
    locations,
    problem,
    pump_type,
    send,
)
from tests.functions.conftest import ORG
from tests.unit.alerting.rules import make_rule

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
ABOVE = {"type": "threshold", "op": "above", "set": 80, "clear": 75}
RULE = {
    "name": "Pump overheating",
    "scope": {"kind": "device_type", "value": "pump"},
    "metric": "temperature",
    "severity": "major",
    "condition": ABOVE,
}


@pytest.fixture
def fakes(monkeypatch):
    found = install_alert_fakes(monkeypatch)
    for org in (ORG, OTHER_ORG):
        found.types.add(pump_type(org))
    found.rules.save(make_rule(ABOVE, id="theirs", org_id=OTHER_ORG))
    return found


@pytest.mark.parametrize("role", ["operator", "admin"])
def test_a_rule_is_created_under_the_callers_organization_and_read_back(client, fakes, role):
    saved = send(client, "PUT", "/v1/rules/pump-hot", RULE, role=role)
    assert saved.status_code == 200, saved.body
    rule = saved.json_body
    assert (rule["id"], rule["org_id"], rule["enabled"], rule["lateness_s"]) == (
        "pump-hot",
        ORG,
        True,
        60,
    )
    assert fakes.rules.get(ORG, "pump-hot").name == "Pump overheating"
    assert send(client, "GET", "/v1/rules/pump-hot", role="viewer").json_body == rule


def test_a_composite_over_two_metrics_the_type_declares_is_saved_and_read_back(client, fakes):
    fakes.types.add(
        DeviceType(
            id="press",
            org_id=ORG,
            name="Press",
            firmware_family="presses",
            metrics=[MetricSpec(name="temperature"), MetricSpec(name="vibration")],
            created_at=AT,
        )
    )
    shaking = {"type": "threshold", "metric": "vibration", "op": "above", "set": 5}
    body = {
        **RULE,
        "scope": {"kind": "device_type", "value": "press"},
        "condition": {"type": "composite", "op": "and", "conditions": [ABOVE, shaking]},
    }
    saved = send(client, "PUT", "/v1/rules/press-hot", body)
    assert saved.status_code == 200, saved.body
    leaves = saved.json_body["condition"]["conditions"]
    assert [leaf["metric"] for leaf in leaves] == [None, "vibration"]
    assert fakes.rules.get(ORG, "press-hot").metrics == ["temperature", "vibration"]


def test_a_rule_is_replaced_by_a_second_put(client, fakes):
    send(client, "PUT", "/v1/rules/pump-hot", RULE)
    replaced = send(client, "PUT", "/v1/rules/pump-hot", {**RULE, "enabled": False, "flap": None})
    assert replaced.status_code == 200
    assert (replaced.json_body["enabled"], replaced.json_body["flap"]) == (False, None)
    assert len(fakes.rules.list_rules(ORG)) == 1


def test_a_change_is_audited_with_the_rule(client, fakes, audit_log):
    send(client, "PUT", "/v1/rules/pump-hot", RULE)
    (entry,) = audit_log
    assert (entry.action, entry.target_type, entry.target_id, entry.status) == (
        "rules.put_rule",
        "rule_id",
        "pump-hot",
        200,
    )


@pytest.mark.parametrize(
    ("body", "location", "reason"),
    [
        ({**RULE, "condition": {**ABOVE, "clear": 81}}, "body.condition.clear", "above the set"),
        ({**RULE, "metric": "pressure"}, "body.metric", "has no metric 'pressure'"),
        ({**RULE, "scope": {"kind": "device_type", "value": "fan"}}, "body.scope.value", "fan"),
        ({**RULE, "scope": {"kind": "all", "value": "x"}}, "body.scope.value", "must be empty"),
        (
            {
                **RULE,
                "condition": {
                    "type": "aggregate",
                    "function": "mean",
                    "window_s": 7200,
                    "op": "above",
                    "set": 1,
                },
            },
            "body.condition.aggregate.window_s",
            "less than or equal to 3600",
        ),
        (
            {**RULE, "condition": {"type": "band", "op": "inside", "low": 8, "high": 2}},
            "body.condition.high",
            "",
        ),
        (
            {
                **RULE,
                "condition": {
                    "type": "composite",
                    "op": "and",
                    "conditions": [ABOVE, {**ABOVE, "metric": "vibration"}],
                },
            },
            "body.condition.conditions.1.metric",
            "has no metric 'vibration'",
        ),
        (
            {**RULE, "condition": {**ABOVE, "metric": "vibration"}},
            "body.condition.metric",
            "a condition alone watches the rule's metric",
        ),
        ({**RULE, "flap": {"settle_s": 10**15}}, "body.flap.settle_s", "at most 1000000000"),
        ({**RULE, "severity": "apocalyptic"}, "body.severity", "Input should be"),
        ({**RULE, "v": 2}, "body.v", "Input should be 1"),
        ({**RULE, "org_id": "org2"}, "body.org_id", "Extra inputs"),
        ({**RULE, "id": "other"}, "body.id", "Extra inputs"),
        ({k: v for k, v in RULE.items() if k != "condition"}, "body.condition", "Field required"),
    ],
)
def test_an_invalid_rule_is_422_naming_the_field(client, fakes, body, location, reason):
    answer = send(client, "PUT", "/v1/rules/pump-hot", body)
    assert answer.status_code == 422, answer.body
    assert location in locations(answer)
    assert reason in problem(answer)["detail"]
    with pytest.raises(Exception, match="no rule"):
        fakes.rules.get(ORG, "pump-hot")


@pytest.mark.parametrize(
    "raw",
    ["{not json", "[1, 2]", json.dumps({**RULE, "scope": {"$ne": None}})],
)
def test_a_malformed_body_is_400(client, fakes, raw):
    assert send(client, "PUT", "/v1/rules/pump-hot", raw).status_code == 400


def test_a_rule_id_that_cannot_exist_is_400(client, fakes):
    answer = send(client, "PUT", "/v1/rules/no%20such", RULE)
    assert answer.status_code == 400
    assert "path.rule_id" in problem(answer)["detail"]


def test_no_credential_is_401(client, fakes):
    for method, path in [
        ("GET", "/v1/rules"),
        ("GET", "/v1/rules/theirs"),
        ("PUT", "/v1/rules/pump-hot"),
        ("DELETE", "/v1/rules/theirs"),
        ("POST", "/v1/rules/theirs/backtest"),
        ("POST", "/v1/backtests"),
    ]:
        answer = send(client, method, path, RULE, role=None)
        assert answer.status_code == 401, (method, path)


def test_a_viewer_reads_but_cannot_change_or_backtest(client, fakes):
    send(client, "PUT", "/v1/rules/pump-hot", RULE)
    assert send(client, "GET", "/v1/rules", role="viewer").status_code == 200
    assert send(client, "PUT", "/v1/rules/pump-hot", RULE, role="viewer").status_code == 403
    assert send(client, "DELETE", "/v1/rules/pump-hot", role="viewer").status_code == 403
    window = {"start": AT.isoformat(), "end": (AT + timedelta(hours=1)).isoformat()}
    backtest = send(client, "POST", "/v1/rules/pump-hot/backtest", window, role="viewer")
    assert backtest.status_code == 403
    assert fakes.rules.get(ORG, "pump-hot").enabled


def test_another_organizations_rule_is_404_for_every_route(client, fakes):
    window = {"start": AT.isoformat(), "end": (AT + timedelta(hours=1)).isoformat()}
    assert send(client, "GET", "/v1/rules/theirs").status_code == 404
    assert send(client, "DELETE", "/v1/rules/theirs").status_code == 404
    assert send(client, "POST", "/v1/rules/theirs/backtest", window).status_code == 404
    assert send(client, "GET", "/v1/rules").json_body["items"] == []
    assert fakes.rules.get(OTHER_ORG, "theirs").org_id == OTHER_ORG


def test_the_same_id_in_two_organizations_is_two_rules(client, fakes):
    assert send(client, "PUT", "/v1/rules/theirs", RULE).status_code == 200
    assert fakes.rules.get(OTHER_ORG, "theirs").name == "test rule"
    assert fakes.rules.get(ORG, "theirs").name == "Pump overheating"


def test_a_deleted_rule_is_gone(client, fakes):
    send(client, "PUT", "/v1/rules/pump-hot", RULE)
    deleted = send(client, "DELETE", "/v1/rules/pump-hot")
    assert (deleted.status_code, deleted.body) == (204, b"")
    assert send(client, "GET", "/v1/rules/pump-hot").status_code == 404
    assert send(client, "DELETE", "/v1/rules/pump-hot").status_code == 404


def test_saving_and_deleting_a_rule_mark_the_organizations_evaluator_states_due(client, fakes):
    """The next sweep then applies the rule as it is now to devices that stay quiet."""
    states = fakes.evaluation.states
    for org, device in ((ORG, "pump-1"), (OTHER_ORG, "pump-9")):
        rule = make_rule(ABOVE, org_id=org)
        states.save([new_state(rule, device)])
    for method, body in (("PUT", RULE), ("DELETE", None)):
        states.marked.clear()
        assert send(client, method, "/v1/rules/pump-hot", body).status_code in (200, 204)
        assert states.marked == {(ORG, "pump-1")}


def test_rules_are_listed_a_page_at_a_time_with_filters(client, fakes):
    for rule_id, severity in [("a", "major"), ("b", "minor"), ("c", "major"), ("d", "major")]:
        send(client, "PUT", f"/v1/rules/{rule_id}", {**RULE, "severity": severity})
    first = send(client, "GET", "/v1/rules?severity=major&limit=2", role="viewer").json_body
    assert ([r["id"] for r in first["items"]], first["next_cursor"]) == (["a", "c"], "c")
    rest = send(client, "GET", "/v1/rules?severity=major&limit=2&cursor=c", role="viewer")
    assert ([r["id"] for r in rest.json_body["items"]], rest.json_body["next_cursor"]) == (
        ["d"],
        None,
    )
    disabled = send(client, "GET", "/v1/rules?enabled=false&metric=temperature", role="viewer")
    assert disabled.json_body["items"] == []


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "severity=bad",
        "enabled=perhaps",
        "enabled=0",
        "enabled=True",
        "metric=no%20such",
        "sort=id",
        "cursor=a%20b",
    ],
)
def test_a_malformed_rule_query_is_400(client, fakes, query):
    assert send(client, "GET", f"/v1/rules?{query}", role="viewer").status_code == 400


def history_of_a_spike(fakes):
    start = to_ms(AT)
    fakes.history.series[("pump-1", "temperature")] = [
        (start + 60_000, 70.0),
        (start + 120_000, 90.0),
        (start + 180_000, 70.0),
    ]
    fakes.history.series[("pump-9", "temperature")] = [(start + 120_000, 99.0)]


def test_a_saved_rule_is_backtested_over_its_organizations_devices(client, fakes):
    history_of_a_spike(fakes)
    send(client, "PUT", "/v1/rules/pump-hot", {**RULE, "enabled": False})
    window = {"start": AT.isoformat(), "end": (AT + timedelta(hours=1)).isoformat()}
    answer = send(client, "POST", "/v1/rules/pump-hot/backtest", window)
    assert answer.status_code == 200, answer.body
    assert answer.json_body == {
        "v": 1,
        "alarms": [
            {
                "device_id": "pump-1",
                "raised_at": "2026-11-26T18:02:00Z",
                "cleared_at": "2026-11-26T18:03:00Z",
                "value": 90.0,
            }
        ],
    }


def test_a_draft_is_backtested_and_an_invalid_draft_names_its_field(client, fakes):
    history_of_a_spike(fakes)
    window = {"start": AT.isoformat(), "end": (AT + timedelta(hours=1)).isoformat()}
    draft = {k: v for k, v in RULE.items() if k != "name"}
    answer = send(client, "POST", "/v1/backtests", {**window, "rule": draft})
    assert answer.status_code == 200, answer.body
    assert [a["device_id"] for a in answer.json_body["alarms"]] == ["pump-1"]
    bad = {**draft, "condition": {**ABOVE, "clear": 90}}
    refused = send(client, "POST", "/v1/backtests", {**window, "rule": bad})
    assert refused.status_code == 422
    assert locations(refused) == ["body.rule.condition.clear"]
    unknown = send(client, "POST", "/v1/backtests", {**window, "rule": {**draft, "org_id": "x"}})
    assert (unknown.status_code, locations(unknown)) == (422, ["body.rule.org_id"])


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        (AT, AT + timedelta(days=32), "at most 31 days"),
        (AT, AT - timedelta(hours=1), "end must be after start"),
        (datetime(107, 9, 11, tzinfo=UTC), datetime(107, 9, 12, tzinfo=UTC), "1970 and 2262"),
        (datetime(9999, 12, 30, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC), "1970 and 2262"),
    ],
)
def test_a_range_that_cannot_be_backtested_is_422(client, fakes, start, end, reason):
    send(client, "PUT", "/v1/rules/pump-hot", RULE)
    window = {"start": start.isoformat(), "end": end.isoformat()}
    for path, body in [
        ("/v1/rules/pump-hot/backtest", window),
        ("/v1/backtests", {**window, "rule": RULE}),
    ]:
        answer = send(client, "POST", path, body)
        assert answer.status_code == 422, (path, answer.body)
        assert reason in problem(answer)["detail"]


@pytest.mark.parametrize(
    "window",
    [
        {"start": "yesterday", "end": "2026-11-26T19:00:00Z"},
        {"start": "2026-11-26T18:00:00", "end": "2026-11-26T19:00:00Z"},
        {"start": 0, "end": "2026-11-26T19:00:00Z"},
        {"start": "2026-11-26T18:00:00Z"},
    ],
)
def test_times_that_are_not_iso_with_a_zone_are_422(client, fakes, window):
    send(client, "PUT", "/v1/rules/pump-hot", RULE)
    answer = send(client, "POST", "/v1/rules/pump-hot/backtest", window)
    assert answer.status_code == 422
    assert any(location.startswith("body.") for location in locations(answer))
