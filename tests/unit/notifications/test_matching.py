"""Matching a notification to subscriptions: a pure function of message, device, subscriptions."""

import pytest

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.notifications.matching import matching_subscriptions
from tests.unit.notifications.factories import ORG, message, subscription

PUMP = DeviceProfile(
    device_id="pump-001",
    org_id=ORG,
    groups=frozenset({"hall-a"}),
    tags=frozenset({"cooling", "site=berlin"}),
)


def matched(msg, *subs, device=PUMP):
    return [s.id for s in matching_subscriptions(msg, device, subs)]


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({}, ["s1"]),
        ({"rule_ids": ["hot"]}, ["s1"]),
        ({"rule_ids": ["cold"]}, []),
        ({"device_ids": ["pump-001", "pump-002"]}, ["s1"]),
        ({"device_ids": ["pump-002"]}, []),
        ({"groups": ["hall-a"]}, ["s1"]),
        ({"groups": ["hall-b"]}, []),
        ({"tags": ["cooling"]}, ["s1"]),
        ({"tags": ["heating"]}, []),
        ({"tags": ["site=berlin"]}, ["s1"]),
        ({"min_severity": "major"}, ["s1"]),
        ({"min_severity": "critical"}, []),
        ({"min_severity": "warning"}, ["s1"]),
        ({"kinds": ["cleared"]}, []),
        ({"rule_ids": ["hot"], "groups": ["hall-b"]}, []),
    ],
)
def test_each_filter_field_must_hold(filter_, expected):
    assert matched(message(), subscription(filter=filter_)) == expected


def test_acknowledgements_are_not_sent_unless_asked_for():
    acknowledged = message(kind="acknowledged", status="acknowledged", by="u2")
    assert matched(acknowledged, subscription()) == []
    assert matched(acknowledged, subscription(filter={"kinds": ["acknowledged"]})) == ["s1"]


def test_an_unknown_device_matches_no_group_or_tag_filter_but_others():
    subs = [subscription("g", filter={"groups": ["hall-a"]}), subscription("any")]
    assert matched(message(), *subs, device=None) == ["any"]


def test_another_organizations_and_disabled_subscriptions_never_match():
    subs = [subscription("other", org_id="orgb"), subscription("off", enabled=False)]
    assert matched(message(), *subs) == []


def test_suppressed_transitions_reach_nobody():
    assert matched(message(suppressed="flapping"), subscription()) == []
    assert matched(message(suppressed="silenced"), subscription()) == []


def test_an_escalation_target_reaches_its_team_whatever_its_filter():
    team = subscription(
        "oncall",
        subscriber={"kind": "team", "id": "on-call"},
        filter={"rule_ids": ["other"], "kinds": ["raised"]},
    )
    other_team = subscription(
        "lead", subscriber={"kind": "team", "id": "shift-lead"}, filter={"rule_ids": ["other"]}
    )
    escalated = message(kind="escalated", target="on-call")
    assert matched(escalated, team, other_team, subscription("all")) == ["oncall", "all"]
    assert matched(message(), team) == []
