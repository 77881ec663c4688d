"""The services behind the Alerts API: listing a page at a time, clearing by hand, silences by id,
backtesting drafts and disabled rules."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.alerting.alarm_lifecycle import raise_alarm
from iotsphere.domain.alerting.errors import AlarmLifecycleError, RuleValidationError
from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import AlarmStatus, TransitionKind, from_ms
from iotsphere.services.alerting.admin_ports import AlertAdminPorts
from iotsphere.services.alerting.alarm_actions import (
    AlarmActionPorts,
    acknowledge_alarm,
    clear_alarm,
    get_alarm,
)
from iotsphere.services.alerting.alarm_detail import alarm_detail
from iotsphere.services.alerting.backtest import BacktestPorts, backtest_draft, backtest_rule
from iotsphere.services.alerting.errors import (
    BacktestRangeError,
    InvalidCursorError,
    NotFoundError,
)
from iotsphere.services.alerting.listing import (
    AlarmQuery,
    RuleQuery,
    SilenceQuery,
    list_alarms,
    list_rules,
    list_silences,
)
from iotsphere.services.alerting.rule_admin import delete_rule, get_rule, save_rule
from iotsphere.services.alerting.silence_admin import create_silence, delete_silence
from iotsphere.services.errors import InvalidQueryError
from tests.fakes import FakePublisher
from tests.unit.alerting.catalog_fakes import (
    FakeAlarmCatalog,
    FakeAlarmEvents,
    FakeRuleCatalog,
    make_alarm,
)
from tests.unit.alerting.fakes import FakeDevices, FakeHistory, FakeLog, Fakes, FakeSilences
from tests.unit.alerting.rules import T0, make_rule, seconds
from tests.unit.devices.fakes import FakeTypes

NOW = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)
ABOVE = {"type": "threshold", "op": "above", "set": 80, "clear": 75}


@pytest.fixture
def rules():
    catalog = FakeRuleCatalog()
    for rule_id, metric, severity, enabled in [
        ("a-hot", "temperature", "major", True),
        ("b-cold", "temperature", "minor", False),
        ("c-fast", "rpm", "major", True),
        ("d-hot", "temperature", "major", True),
    ]:
        catalog.save(
            make_rule(
                ABOVE, id=rule_id, org_id="orga", metric=metric, severity=severity
            ).model_copy(update={"enabled": enabled})
        )
    catalog.save(make_rule(ABOVE, id="a-other", org_id="orgb"))
    return catalog


def test_rules_come_a_page_at_a_time_by_id_and_only_the_callers(rules):
    first = list_rules("orga", RuleQuery(limit=3), rules)
    assert [r.id for r in first.items] == ["a-hot", "b-cold", "c-fast"]
    assert first.next_cursor == "c-fast"
    second = list_rules("orga", RuleQuery(limit=3, cursor=first.next_cursor), rules)
    assert ([r.id for r in second.items], second.next_cursor) == (["d-hot"], None)


def test_rules_are_filtered_by_metric_severity_and_enabled(rules):
    query = RuleQuery(metric="temperature", severity="major", enabled=True)
    assert [r.id for r in list_rules("orga", query, rules).items] == ["a-hot", "d-hot"]
    assert [r.id for r in list_rules("orga", RuleQuery(enabled=False), rules).items] == ["b-cold"]


def test_another_organizations_rule_is_not_found_nor_deleted(rules):
    assert get_rule("orga", "a-hot", rules).org_id == "orga"
    with pytest.raises(NotFoundError):
        get_rule("orgb", "a-hot", rules)
    with pytest.raises(NotFoundError):
        delete_rule("orgb", "a-hot", rules, Fakes().ports())
    delete_rule("orga", "a-hot", rules, Fakes().ports())
    with pytest.raises(NotFoundError):
        get_rule("orga", "a-hot", rules)
    assert get_rule("orgb", "a-other", rules).org_id == "orgb"


@pytest.fixture
def alarms():
    catalog = FakeAlarmCatalog()
    for alarm in [
        make_alarm("a1", 1),
        make_alarm("a2", 2, severity="critical", device_id="pump-2"),
        make_alarm("a3", 3, status=AlarmStatus.ACKNOWLEDGED, acknowledged=True),
        make_alarm("a4", 4, status=AlarmStatus.CLEARED, rule_id="r2"),
        make_alarm("a5", 5, org_id="orgb"),
    ]:
        catalog.saved[alarm.id] = alarm.model_copy(update={"revision": 1})
    return catalog


def test_open_alarms_by_default_latest_activity_first(alarms):
    page = list_alarms("orga", AlarmQuery(), alarms)
    assert [a.id for a in page.items] == ["a3", "a2", "a1"]
    assert page.next_cursor is None


def test_alarm_pages_follow_each_other_without_gaps_or_repeats(alarms):
    seen, cursor = [], None
    while True:
        page = list_alarms("orga", AlarmQuery(status="any", limit=1, cursor=cursor), alarms)
        seen += [a.id for a in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ["a4", "a3", "a2", "a1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (AlarmQuery(status="active"), ["a2", "a1"]),
        (AlarmQuery(status="acknowledged"), ["a3"]),
        (AlarmQuery(status="cleared"), ["a4"]),
        (AlarmQuery(severity="critical"), ["a2"]),
        (AlarmQuery(device_id="pump-2"), ["a2"]),
        (AlarmQuery(status="any", rule_id="r2"), ["a4"]),
    ],
)
def test_alarms_are_filtered(alarms, query, expected):
    assert [a.id for a in list_alarms("orga", query, alarms).items] == expected


def minute(n):
    return datetime(2026, 11, 26, 18, n, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "before", "expected"),
    [
        (minute(2), None, ["a3", "a2"]),
        (None, minute(2), ["a1"]),
        (minute(1), minute(3), ["a2", "a1"]),
        (minute(2), minute(2), []),
    ],
)
def test_alarms_are_filtered_by_when_they_were_raised(alarms, after, before, expected):
    query = AlarmQuery(raised_after=after, raised_before=before)
    assert [a.id for a in list_alarms("orga", query, alarms).items] == expected


def test_a_raise_range_that_ends_before_it_starts_is_refused_naming_the_parameter(alarms):
    query = AlarmQuery(raised_after=minute(3), raised_before=minute(1))
    with pytest.raises(InvalidQueryError, match=r"query\.raised_after"):
        list_alarms("orga", query, alarms)


@pytest.mark.parametrize(
    "cursor",
    [
        "bm90IGpzb24",
        base64.urlsafe_b64encode(b'["not a time", "a1"]').decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b"not json").decode(),
    ],
)
def test_a_cursor_this_listing_did_not_hand_out_is_refused(alarms, cursor):
    with pytest.raises(InvalidCursorError):
        list_alarms("orga", AlarmQuery(cursor=cursor), alarms)


@pytest.fixture
def actions():
    rules = FakeRuleCatalog()
    rule = make_rule(ABOVE, org_id="orga")
    rules.save(rule)
    ports = AlarmActionPorts(
        alarms=FakeAlarmCatalog(), rules=rules, transitions=FakeLog(), notifications=FakePublisher()
    )
    alarm, _ = raise_alarm(None, rule, "d1", from_ms(T0), 90.0, now=from_ms(T0))
    ports.alarms.save([alarm])
    return ports, alarm.id


def test_an_open_alarm_is_cleared_by_hand_once_and_the_clear_is_notified(actions):
    ports, alarm_id = actions
    cleared = clear_alarm("orga", alarm_id, "ana", NOW, ports)
    assert (cleared.status, cleared.cleared_at, cleared.acknowledged) == (
        AlarmStatus.CLEARED,
        NOW,
        False,
    )
    assert get_alarm("orga", alarm_id, ports) == cleared
    (message,) = map(json.loads, ports.notifications.bodies)
    transition = message["transition"]
    assert (transition["kind"], transition["by"], transition["note"]) == (
        TransitionKind.CLEARED,
        "ana",
        "cleared by hand",
    )
    with pytest.raises(AlarmLifecycleError, match="already cleared"):
        clear_alarm("orga", alarm_id, "bo", NOW, ports)
    # cleared unacknowledged: it can still be acknowledged afterwards
    acknowledged = acknowledge_alarm("orga", alarm_id, "bo", NOW, ports)
    assert (acknowledged.status, acknowledged.acknowledged) == (AlarmStatus.CLEARED, True)


def test_another_organizations_alarm_cannot_be_read_or_cleared(actions):
    ports, alarm_id = actions
    with pytest.raises(NotFoundError):
        get_alarm("orgb", alarm_id, ports)
    with pytest.raises(NotFoundError):
        clear_alarm("orgb", alarm_id, "eve", NOW, ports)
    assert ports.alarms.saved[alarm_id].status is AlarmStatus.ACTIVE


def silence_body(start_h, end_h):
    return {
        "kind": "device",
        "value": "pump-1",
        "starts_at": (NOW + timedelta(hours=start_h)).isoformat(),
        "ends_at": (NOW + timedelta(hours=end_h)).isoformat(),
    }


def test_silences_get_fresh_ids_and_list_by_start_without_ended_ones_unless_asked():
    store = FakeSilences()
    ended = create_silence("orga", silence_body(-3, -2), "ana", store, NOW)
    later = create_silence("orga", silence_body(2, 3), "ana", store, NOW)
    current = create_silence("orga", silence_body(-1, 1), "ana", store, NOW)
    create_silence("orgb", silence_body(-1, 1), "eve", store, NOW)
    assert len({ended.id, later.id, current.id}) == 3
    assert current.created_by == "ana"
    page = list_silences("orga", SilenceQuery(), NOW, store)
    assert [s.id for s in page.items] == [current.id, later.id]
    first = list_silences("orga", SilenceQuery(include_ended=True, limit=2), NOW, store)
    assert [s.id for s in first.items] == [ended.id, current.id]
    rest = list_silences(
        "orga", SilenceQuery(include_ended=True, cursor=first.next_cursor), NOW, store
    )
    assert ([s.id for s in rest.items], rest.next_cursor) == ([later.id], None)


def test_another_organizations_silence_is_not_deleted():
    store = FakeSilences()
    silence = create_silence("orga", silence_body(0, 1), "ana", store, NOW)
    with pytest.raises(NotFoundError):
        delete_silence("orgb", silence.id, store)
    delete_silence("orga", silence.id, store)
    assert store.silences == []


@pytest.fixture
def history():
    found = FakeHistory()
    found.series[("pump-1", "temperature")] = seconds((0, 70), (10, 90), (20, 70))
    devices = FakeDevices(DeviceProfile(device_id="pump-1", org_id="orga"))
    return BacktestPorts(history=found, devices=devices)


def test_a_draft_names_the_field_under_rule(history):
    draft = {
        "scope": {"kind": "all"},
        "metric": "temperature",
        "severity": "major",
        "condition": {**ABOVE, "clear": 81},
    }
    start, end = from_ms(T0), from_ms(T0) + timedelta(minutes=1)
    with pytest.raises(RuleValidationError) as caught:
        backtest_draft("orga", draft, start, end, history)
    assert caught.value.path == "rule.condition.clear"
    found = backtest_draft("orga", {**draft, "condition": ABOVE}, start, end, history)
    assert [(a.device_id, a.value) for a in found] == [("pump-1", 90.0)]


def test_a_disabled_rule_is_backtested_before_it_is_enabled(history):
    rules = FakeRuleCatalog()
    rules.save(make_rule(ABOVE, org_id="orga").model_copy(update={"enabled": False}))
    start, end = from_ms(T0), from_ms(T0) + timedelta(minutes=1)
    found = backtest_rule("orga", "r1", start, end, history, rules)
    assert [a.raised_at for a in found] == [from_ms(T0) + timedelta(seconds=10)]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(107, 9, 11, tzinfo=UTC), datetime(107, 9, 12, tzinfo=UTC)),
        (datetime(2262, 1, 1, tzinfo=UTC), datetime(2262, 1, 2, tzinfo=UTC)),
    ],
)
def test_a_range_the_telemetry_store_cannot_hold_is_refused(history, start, end):
    draft = {"scope": {"kind": "all"}, "metric": "temperature", "severity": "major"}
    with pytest.raises(BacktestRangeError, match="between 1970 and 2262"):
        backtest_draft("orga", {**draft, "condition": ABOVE}, start, end, history)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(9999, 12, 30, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)),
        (datetime(2026, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)),
    ],
)
def test_a_range_near_the_end_of_time_is_refused_not_overflowed(history, start, end):
    draft = {"scope": {"kind": "all"}, "metric": "temperature", "severity": "major"}
    with pytest.raises(BacktestRangeError, match="between 1970 and 2262"):
        backtest_draft("orga", {**draft, "condition": ABOVE}, start, end, history)


def test_history_before_1970_is_not_asked_for(history):
    draft = {"scope": {"kind": "all"}, "metric": "temperature", "severity": "major"}
    window = {"type": "aggregate", "function": "mean", "window_s": 600, "op": "above", "set": 1}
    start = datetime(1970, 1, 1, tzinfo=UTC)
    backtest_draft("orga", {**draft, "condition": window}, start, start + timedelta(1), history)
    assert [asked[2] for asked in history.history.asked] == [start]


def test_a_cursor_without_a_time_zone_is_refused(alarms):
    naive = base64.urlsafe_b64encode(b'["2026-11-26T18:00:00", "a1"]').decode()
    with pytest.raises(InvalidCursorError):
        list_alarms("orga", AlarmQuery(cursor=naive), alarms)


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"flap": {"settle_s": 10**15}}, "flap.settle_s"),
        (
            {"escalation": [{"after_s": 60, "notify": "a"}, {"after_s": 2**70, "notify": "b"}]},
            "escalation.1.after_s",
        ),
        (
            {
                "condition": {
                    **ABOVE,
                    "type": "aggregate",
                    "function": "count",
                    "window_s": 60,
                    "min_points": 10**19,
                }
            },
            "condition.min_points",
        ),
    ],
)
def test_a_number_too_large_to_store_or_add_to_a_time_is_refused_with_its_path(extra, path):
    body = {"name": "n", "scope": {"kind": "all"}, "metric": "t", "severity": "major"}
    rules = FakeRuleCatalog()
    with pytest.raises(RuleValidationError) as caught:
        save_rule(
            "orga",
            "r1",
            {**body, "condition": ABOVE, **extra},
            rules,
            FakeTypes(),
            Fakes().ports(),
            from_ms(T0),
        )
    assert (caught.value.path, caught.value.reason) == (path, "at most 1000000000")
    assert rules.rules == {}


def test_an_alarm_is_read_with_its_transitions_newest_first_or_none_when_unreadable(actions):
    ports, alarm_id = actions
    acknowledge_alarm("orga", alarm_id, "ana", NOW, ports)
    clear_alarm("orga", alarm_id, "ana", NOW + timedelta(minutes=1), ports)
    events = FakeAlarmEvents(ports.transitions)
    admin = AlertAdminPorts(
        rules=ports.rules,
        alarms=ports.alarms,
        silences=FakeSilences(),
        types=FakeTypes(),
        actions=ports,
        backtest=BacktestPorts(history=FakeHistory(), devices=FakeDevices()),
        events=events,
    )
    detail = alarm_detail("orga", alarm_id, admin)
    assert detail.status is AlarmStatus.CLEARED
    assert [t.kind for t in detail.transitions] == ["cleared", "acknowledged"]
    with pytest.raises(NotFoundError):
        alarm_detail("orgb", alarm_id, admin)
    events.down = True
    unreadable = alarm_detail("orga", alarm_id, admin)
    assert (unreadable.transitions, unreadable.acknowledged_by) == (None, "ana")
