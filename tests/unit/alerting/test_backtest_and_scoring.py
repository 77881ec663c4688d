import io
from datetime import timedelta

import pytest

from iotsphere.domain.alerting.errors import RuleValidationError
from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.transitions import from_ms
from iotsphere.services.alerting.backtest import (
    BacktestPorts,
    BacktestRangeError,
    backtest,
    backtest_rule,
)
from iotsphere.services.alerting.errors import NotFoundError
from iotsphere.services.alerting.scoring import ScoredRow, score_series
from iotsphere.services.alerting.series_csv import SeriesFormatError, read_series, write_scored
from tests.unit.alerting.fakes import FakeDevices, FakeHistory, FakeRules
from tests.unit.alerting.rules import T0, make_rule, seconds

ABOVE = {"type": "threshold", "op": "above", "set": 80, "clear": 75}


def at(s):
    return from_ms(T0) + timedelta(seconds=s)


@pytest.fixture
def ports():
    history = FakeHistory()
    history.series[("pump-1", "temperature")] = seconds((-5, 99), (0, 70), (10, 90), (20, 70))
    history.series[("pump-2", "temperature")] = seconds((5, 85))
    history.series[("pump-9", "temperature")] = seconds((5, 85))
    devices = FakeDevices(
        DeviceProfile(device_id="pump-1", org_id="org-a"),
        DeviceProfile(device_id="pump-2", org_id="org-a"),
        DeviceProfile(device_id="pump-9", org_id="org-b"),
    )
    return BacktestPorts(history=history, devices=devices)


def test_backtest_lists_each_devices_alarms_in_the_range_of_its_organization(ports):
    found = backtest(make_rule(ABOVE), at(0), at(30), ports)
    assert [(a.device_id, a.raised_at, a.cleared_at, a.value) for a in found] == [
        ("pump-2", at(5), None, 85),
        ("pump-1", at(10), at(20), 90),
    ]


def test_backtest_of_one_device_and_of_another_organizations_device(ports):
    rule = make_rule(ABOVE, scope={"kind": "device", "value": "pump-1"})
    assert [a.device_id for a in backtest(rule, at(0), at(30), ports)] == ["pump-1"]
    other = make_rule(ABOVE, scope={"kind": "device", "value": "pump-9"})
    assert backtest(other, at(0), at(30), ports) == []


def test_backtest_reads_the_window_before_the_range(ports):
    rule = make_rule(
        {"type": "aggregate", "function": "max", "window_s": 10, "op": "above", "set": 95},
        scope={"kind": "device", "value": "pump-1"},
    )
    (alarm,) = backtest(rule, at(0), at(30), ports)
    assert alarm.raised_at == at(0)


def test_backtest_of_missing_data_raises_at_the_end_of_a_silent_range(ports):
    rule = make_rule({"type": "missing_data", "timeout_s": 60})
    found = backtest(rule, at(0), at(600), ports)
    assert [(a.device_id, a.raised_at) for a in found] == [("pump-2", at(65)), ("pump-1", at(80))]


def test_backtest_a_saved_rule_by_id_or_a_draft_body(ports):
    rules = FakeRules()
    rules.save(make_rule(ABOVE, org_id="org-a"))
    saved = backtest_rule("org-a", "r1", at(0), at(30), ports, rules)
    draft = backtest_rule(
        "org-a",
        {
            "scope": {"kind": "all"},
            "metric": "temperature",
            "severity": "minor",
            "condition": ABOVE,
            "org_id": "org-b",
        },
        at(0),
        at(30),
        ports,
        rules,
    )
    assert [a.device_id for a in saved] == [a.device_id for a in draft] == ["pump-2", "pump-1"]
    with pytest.raises(NotFoundError):
        backtest_rule("org-b", "r1", at(0), at(30), ports, rules)
    with pytest.raises(RuleValidationError):
        backtest_rule("org-a", {"metric": "temperature"}, at(0), at(30), ports, rules)


@pytest.mark.parametrize(("start", "end"), [(at(10), at(10)), (at(0), at(0) + timedelta(days=32))])
def test_backtest_refuses_an_empty_or_huge_range(ports, start, end):
    with pytest.raises(BacktestRangeError):
        backtest(make_rule(ABOVE), start, end, ports)


def test_scoring_answers_every_row_in_its_own_order():
    rows = [(at(2), 90.0), (at(0), 70.0), (at(1), 85.0), (at(3), 60.0), (at(1), 85.0)]
    scored = score_series(make_rule(ABOVE, lateness_s=60), rows)
    assert scored == [
        ScoredRow(score=90.0, alarm=True),
        ScoredRow(score=70.0, alarm=False),
        ScoredRow(score=85.0, alarm=True),
        ScoredRow(score=60.0, alarm=False),
        ScoredRow(score=None, alarm=True),
    ]


def test_csv_round_trip_keeps_the_rows_as_they_came():
    text = "timestamp,value\n2026-11-26T18:00:00Z,70\n1795716001000,90\n"
    cells, series = read_series(io.StringIO(text))
    assert series == [(at(0), 70.0), (at(1), 90.0)]
    out = io.StringIO()
    write_scored(out, cells, score_series(make_rule(ABOVE), series))
    assert out.getvalue() == (
        "timestamp,value,score,alarm\n2026-11-26T18:00:00Z,70,70.0,0\n1795716001000,90,90.0,1\n"
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x,1\n", "line 1: ts 'x'"),
        ("2026-11-26T18:00:00Z,hot\n", "not a number"),
        ("2026-11-26T18:00:00Z\n", "expected"),
        ("2026-11-26T18:00:00Z,nan\n", "finite"),
    ],
)
def test_csv_errors_name_the_line(text, words):
    with pytest.raises(SeriesFormatError, match=words):
        read_series(io.StringIO(text))
