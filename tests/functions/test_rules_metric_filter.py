"""GET /v1/rules?metric=… finds a rule by any metric it reads: its own, or one a composite's part
names ("temperature above 80 AND vibration above 5" is a vibration rule too)."""

from __future__ import annotations

import pytest

from tests.functions.alert_fakes import install_alert_fakes, send

ABOVE = {"type": "threshold", "op": "above", "set": 80}
SHAKING = {"type": "threshold", "metric": "vibration", "op": "above", "set": 5}
RULE = {"name": "r", "scope": {"kind": "all"}, "metric": "temperature", "severity": "major"}


@pytest.fixture
def fakes(monkeypatch):
    return install_alert_fakes(monkeypatch)


def ids(client, query: str) -> list[str]:
    answer = send(client, "GET", f"/v1/rules?{query}", role="viewer")
    assert answer.status_code == 200, answer.body
    return [rule["id"] for rule in answer.json_body["items"]]


def test_a_composite_is_found_by_the_metric_of_any_of_its_parts(client, fakes):
    nested = {"type": "composite", "op": "or", "conditions": [ABOVE, {**SHAKING, "metric": "rpm"}]}
    rules = {
        "hot": {**RULE, "condition": ABOVE},
        "hot-and-shaking": {
            **RULE,
            "condition": {"type": "composite", "op": "and", "conditions": [ABOVE, SHAKING]},
        },
        "shaking": {**RULE, "metric": "vibration", "condition": ABOVE},
        "spinning": {
            **RULE,
            "condition": {"type": "composite", "op": "and", "conditions": [ABOVE, nested]},
        },
    }
    for rule_id, body in rules.items():
        assert send(client, "PUT", f"/v1/rules/{rule_id}", body).status_code == 200
    assert ids(client, "metric=vibration") == ["hot-and-shaking", "shaking"]
    assert ids(client, "metric=temperature") == ["hot", "hot-and-shaking", "spinning"]
    assert ids(client, "metric=rpm") == ["spinning"]
    assert ids(client, "metric=pressure") == []
    assert ids(client, "metric=vibration&limit=1") == ["hot-and-shaking"]
