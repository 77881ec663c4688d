"""``iotsphere alerts backtest``: which route it asks, what it prints, and how it fails."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere import cli
from iotsphere.client import alerts, backtest
from iotsphere.client.session import Session, SessionStore
from iotsphere.domain.alerting.rules import Rule

TOKEN = "access-secret-1"
START, END = "2026-11-26T18:00:00Z", "2026-11-26T19:00:00Z"
ABOVE = {"type": "threshold", "op": "above", "set": 80, "clear": 75}
DRAFT = {"scope": {"kind": "all"}, "metric": "temperature", "severity": "major", "condition": ABOVE}
ALARMS = [
    {
        "device_id": "pump-1",
        "raised_at": "2026-11-26T18:02:00Z",
        "cleared_at": "2026-11-26T18:03:00Z",
        "value": 90.0,
    },
    {
        "device_id": "pump-10",
        "raised_at": "2026-11-26T18:02:30Z",
        "cleared_at": None,
        "value": None,
    },
    {
        "device_id": "pump-1",
        "raised_at": "2026-11-26T18:03:00Z",
        "cleared_at": None,
        "value": 88.5,
    },
]


class FakeApi:
    """Answers the two backtest routes with ``alarms``, or with ``problem`` when one is set."""

    def __init__(self, alarms: list[dict[str, object]], problem: tuple[int, str] | None = None):
        self.alarms = alarms
        self.problem = problem
        self.calls: list[tuple[str, str, object]] = []

    def send(self, method, url, headers, body):
        self.calls.append((method, url.split("8000", 1)[1], json.loads(body) if body else None))
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            return 401, json.dumps({"status": 401, "detail": "authentication required"})
        if self.problem:
            status, detail = self.problem
            return status, json.dumps({"title": "Refused", "status": status, "detail": detail})
        return 200, json.dumps({"v": 1, "alarms": self.alarms})


@pytest.fixture
def store(tmp_path) -> SessionStore:
    found = SessionStore(tmp_path / "cfg" / "session.json")
    found.save(Session(base_url="http://h:8000", access_token=TOKEN, refresh_token="refresh-1"))
    return found


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    alerts.add_arguments(parser)
    return parser.parse_args(["backtest", *argv])


def run(store, api, *argv: str) -> int:
    return backtest.run(parse(*argv), store, api)


def test_a_saved_rule_is_backtested_by_its_id_and_printed_a_transition_a_line(store, capsys):
    api = FakeApi(ALARMS)
    assert run(store, api, "--rule", "pump-hot", "--start", START, "--end", END) == 0
    assert api.calls == [("POST", "/v1/rules/pump-hot/backtest", {"start": START, "end": END})]
    lines = capsys.readouterr().out.splitlines()
    assert [line.split() for line in lines[:-1]] == [
        ["2026-11-26T18:02:00Z", "pump-1", "raised", "90.0"],
        ["2026-11-26T18:02:30Z", "pump-10", "raised", "-"],
        ["2026-11-26T18:03:00Z", "pump-1", "cleared", "-"],
        ["2026-11-26T18:03:00Z", "pump-1", "raised", "88.5"],
    ]
    assert lines[0].index("raised") == lines[1].index("raised")  # columns line up
    assert lines[-1] == f"3 alarms on 2 devices: 1 cleared, 2 still raised at {END}"


def test_a_draft_from_a_file_is_sent_as_the_rule_of_the_request(store, tmp_path, capsys):
    rule_file = tmp_path / "draft.json"
    rule_file.write_text(json.dumps(DRAFT))
    api = FakeApi([])
    assert run(store, api, "--rule-file", str(rule_file), "--start", START, "--end", END) == 0
    assert api.calls == [("POST", "/v1/backtests", {"start": START, "end": END, "rule": DRAFT})]
    out = capsys.readouterr()
    assert (out.out, out.err) == (f"no alarm would have been raised from {START} to {END}\n", "")


def test_a_rule_saved_from_the_api_is_tried_without_its_id_and_organization(
    store, tmp_path, capsys
):
    """``GET /v1/rules/{id} > rule.json``, edited, then backtested: the fields the server owns
    are set aside with one line on stderr, the rest is the draft."""
    saved = Rule(id="pump-hot", org_id="org-1", name="Pump hot", **DRAFT).model_dump(mode="json")
    rule_file = tmp_path / "rule.json"
    rule_file.write_text(json.dumps(saved))
    api = FakeApi([])
    assert run(store, api, "--rule-file", str(rule_file), "--start", START, "--end", END) == 0
    sent = api.calls[0][2]["rule"]
    assert sent == {key: value for key, value in saved.items() if key not in {"id", "org_id"}}
    assert capsys.readouterr().err == (
        f"ignoring id, org_id from {rule_file}: a draft is tried as the caller's organization\n"
    )


def test_a_field_no_rule_has_is_sent_for_the_api_to_name(store, tmp_path, capsys):
    rule_file = tmp_path / "rule.json"
    rule_file.write_text(json.dumps({**DRAFT, "id": "pump-hot", "colour": "red"}))
    api = FakeApi([], (422, "body.rule.colour: Extra inputs are not permitted"))
    assert run(store, api, "--rule-file", str(rule_file), "--start", START, "--end", END) == 1
    assert api.calls[0][2]["rule"] == {**DRAFT, "colour": "red"}
    assert capsys.readouterr().err.splitlines() == [
        f"ignoring id from {rule_file}: a draft is tried as the caller's organization",
        "error: body.rule.colour: Extra inputs are not permitted",
    ]


def test_json_prints_the_apis_answer(store, capsys):
    assert (
        run(
            store,
            FakeApi(ALARMS),
            "--rule",
            "r",
            "--start",
            START,
            "--end",
            END,
            "--format",
            "json",
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == {"v": 1, "alarms": ALARMS}


def test_a_rule_id_is_one_path_segment(store):
    api = FakeApi([])
    run(store, api, "--rule", "a/../b c", "--start", START, "--end", END)
    assert api.calls[0][1] == "/v1/rules/a%2F..%2Fb%20c/backtest"


@pytest.mark.parametrize(
    ("status", "detail"),
    [
        (422, "end must be after start and at most 31 days on"),
        (422, "body.start: Value error, expected an ISO 8601 time with a zone"),
        (404, "rule pump-hot not found"),
        (403, "your role may not manage_rules"),
    ],
)
def test_a_problem_prints_the_apis_detail_and_exits_1(store, capsys, status, detail):
    code = run(
        store, FakeApi([], (status, detail)), "--rule", "pump-hot", "--start", START, "--end", END
    )
    out = capsys.readouterr()
    assert (code, out.out, out.err) == (1, "", f"error: {detail}\n")


def test_the_token_is_never_printed(store, capsys):
    store.save(Session(base_url="http://h:8000", access_token="not-" + TOKEN))
    assert run(store, FakeApi(ALARMS), "--rule", "r", "--start", START, "--end", END) == 1
    out = capsys.readouterr()
    assert out.err == "error: authentication required\n"
    assert TOKEN not in out.out + out.err


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "No such file"),
        ("{not json", "not JSON"),
        ("[1, 2]", "a JSON object"),
    ],
)
def test_a_rule_file_that_is_no_rule_is_refused_before_asking(
    store, tmp_path, capsys, content, reason
):
    rule_file = tmp_path / "draft.json"
    if content is not None:
        rule_file.write_text(content)
    api = FakeApi([])
    assert run(store, api, "--rule-file", str(rule_file), "--start", START, "--end", END) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"iotsphere alerts backtest: {rule_file}: ")
    assert reason in error
    assert api.calls == []


@pytest.mark.parametrize(
    "argv",
    [
        ["--start", START, "--end", END],
        ["--rule", "r", "--rule-file", "x.json", "--start", START, "--end", END],
        ["--rule", "r", "--end", END],
        ["--rule", "r", "--start", START, "--end", END, "--format", "csv"],
    ],
)
def test_a_rule_or_a_rule_file_and_both_times_are_required(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        parse(*argv)
    assert stopped.value.code == 2


def test_iotsphere_alerts_runs_backtest_and_score(store, tmp_path, monkeypatch, capsys):
    api = FakeApi(ALARMS[:1])
    monkeypatch.setattr("iotsphere.client.backtest.SessionStore", lambda: store)
    monkeypatch.setattr(
        "iotsphere.client.transport.UrllibTransport.send", lambda self, *a: api.send(*a)
    )
    assert cli.main(["alerts", "backtest", "--rule", "r", "--start", START, "--end", END]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"1 alarm on 1 device: 1 cleared, 0 still raised at {END}"
    )
    rule_file = tmp_path / "rule.json"
    rule_file.write_text(json.dumps({"metric": "value", "severity": "minor", "condition": ABOVE}))
    series = tmp_path / "in.csv"
    series.write_text("2026-11-26T18:00:00Z,70\n2026-11-26T18:00:01Z,90\n")
    assert cli.main(["alerts", "score", "--rule", str(rule_file), "--input", str(series)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "timestamp,value,score,alarm",
        "2026-11-26T18:00:00Z,70,70.0,0",
        "2026-11-26T18:00:01Z,90,90.0,1",
    ]


def test_relative_times_count_back_from_now_and_are_sent_in_utc(store, capsys):
    parser = argparse.ArgumentParser()
    backtest.add_arguments(parser, clock=lambda: datetime(2026, 11, 27, 10, 0, 0, 500, tzinfo=UTC))
    args = parser.parse_args(["--rule", "r", "--start", "-24h", "--end", "now"])
    api = FakeApi([])
    assert backtest.run(args, store, api) == 0
    start, end = "2026-11-26T10:00:00Z", "2026-11-27T10:00:00Z"
    assert api.calls[0][2] == {"start": start, "end": end}
    assert capsys.readouterr().out == f"no alarm would have been raised from {start} to {end}\n"


def test_an_iso_time_in_another_zone_is_sent_in_utc(store):
    api = FakeApi([])
    run(store, api, "--rule", "r", "--start", "2026-11-26T19:00:00+01:00", "--end", END)
    assert api.calls[0][2] == {"start": START, "end": END}


def test_a_time_that_is_no_time_is_refused_by_argparse_before_asking(capsys):
    with pytest.raises(SystemExit) as stopped:
        parse("--rule", "r", "--start", "yesterday", "--end", END)
    assert stopped.value.code == 2
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .endswith(
            "argument --start: expected ISO 8601 (2026-11-27T10:00:00Z), 'now' or an offset like "
            "-24h, not 'yesterday'"
        )
    )


def test_iotsphere_alerts_backtest_takes_an_offset_after_the_flag(store, monkeypatch):
    api = FakeApi([])
    monkeypatch.setattr("iotsphere.client.backtest.SessionStore", lambda: store)
    monkeypatch.setattr(
        "iotsphere.client.transport.UrllibTransport.send", lambda self, *a: api.send(*a)
    )
    assert cli.main(["alerts", "backtest", "--rule", "r", "--start", "-7d", "--end", "-1h"]) == 0
    sent = api.calls[0][2]
    start, end = (datetime.fromisoformat(sent[key]) for key in ("start", "end"))
    assert (end - start, start.utcoffset()) == (
        timedelta(days=7) - timedelta(hours=1),
        timedelta(0),
    )
