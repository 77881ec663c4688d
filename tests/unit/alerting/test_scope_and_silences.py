from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from iotsphere.domain.alerting.scope import DeviceProfile, RuleIndex, in_scope
from iotsphere.domain.alerting.silences import Silence, silencing
from tests.unit.alerting.rules import make_rule

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
PUMP = DeviceProfile(
    device_id="pump-1", org_id="org-a", device_type="pump", groups={"plant-1"}, tags={"north"}
)
ABOVE = {"type": "threshold", "op": "above", "set": 80}


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({"kind": "all"}, True),
        ({"kind": "device", "value": "pump-1"}, True),
        ({"kind": "device", "value": "pump-2"}, False),
        ({"kind": "group", "value": "plant-1"}, True),
        ({"kind": "group", "value": "plant-2"}, False),
        ({"kind": "tag", "value": "north"}, True),
        ({"kind": "device_type", "value": "pump"}, True),
        ({"kind": "device_type", "value": "fan"}, False),
    ],
)
def test_scope_matching(scope, expected):
    assert in_scope(make_rule(ABOVE, scope=scope), PUMP) is expected


def test_another_organizations_device_and_disabled_rules_never_match():
    assert not in_scope(make_rule(ABOVE, org_id="org-b"), PUMP)
    assert not in_scope(make_rule(ABOVE, enabled=False), PUMP)


def silence(kind, value, org="org-a", hours=1):
    return Silence(
        id="s1",
        org_id=org,
        kind=kind,
        value=value,
        starts_at=AT,
        ends_at=AT + timedelta(hours=hours),
    )


@pytest.mark.parametrize(
    ("silence_", "at", "expected"),
    [
        (silence("device", "pump-1"), AT, True),
        (silence("device", "pump-1"), AT - timedelta(milliseconds=1), False),
        (silence("device", "pump-1"), AT + timedelta(hours=1), False),
        (silence("group", "plant-1"), AT, True),
        (silence("rule", "r1"), AT, True),
        (silence("rule", "r2"), AT, False),
        (silence("device", "pump-1", org="org-b"), AT, False),
    ],
)
def test_silence_matching(silence_, at, expected):
    assert (silencing([silence_], "r1", PUMP, at) is not None) is expected


@pytest.mark.parametrize(("hours", "words"), [(0, "after starts_at"), (24 * 91, "at most 90 days")])
def test_a_silence_needs_a_sensible_window(hours, words):
    with pytest.raises(ValidationError, match=words):
        silence("device", "pump-1", hours=hours)


def test_the_rule_index_finds_exactly_the_rules_in_scope():
    scopes = [
        {"kind": "all"},
        {"kind": "device", "value": "pump-1"},
        {"kind": "device", "value": "pump-2"},
        {"kind": "group", "value": "plant-1"},
        {"kind": "group", "value": "plant-2"},
        {"kind": "tag", "value": "north"},
        {"kind": "device_type", "value": "pump"},
        {"kind": "device_type", "value": "fan"},
    ]
    rules = [make_rule(ABOVE, id=f"r{i}", scope=scope) for i, scope in enumerate(scopes)]
    rules.append(make_rule(ABOVE, id="other-org", org_id="org-b"))
    found = RuleIndex(rules).rules_for(PUMP)
    assert sorted(r.id for r in found) == sorted(r.id for r in rules if in_scope(r, PUMP))
    assert sorted(r.id for r in found) == ["r0", "r1", "r3", "r5", "r6"]
