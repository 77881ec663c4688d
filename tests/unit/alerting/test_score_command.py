"""``iotsphere alerts score``, driven the way an operator runs it (``iotsphere.cli.main``)."""

from __future__ import annotations

import json

import pytest

from iotsphere import cli
from iotsphere.domain.alerting.rules import Rule

ABOVE = {"type": "threshold", "op": "above", "set": 80, "clear": 75}
DRAFT = {"metric": "value", "severity": "minor", "condition": ABOVE}
SERIES = "2026-11-26T18:00:00Z,70\n2026-11-26T18:00:01Z,90\n"
SCORED = [
    "timestamp,value,score,alarm",
    "2026-11-26T18:00:00Z,70,70.0,0",
    "2026-11-26T18:00:01Z,90,90.0,1",
]


@pytest.fixture
def series(tmp_path):
    found = tmp_path / "in.csv"
    found.write_text(SERIES)
    return found


def score(rule_file, series, *more: str) -> int:
    return cli.main(["alerts", "score", "--rule", str(rule_file), "--input", str(series), *more])


def test_a_rule_saved_from_the_api_scores_with_a_note_on_what_it_set_aside(
    tmp_path, series, capsys
):
    saved = Rule(id="pump-hot", org_id="org-1", name="Hot", scope={"kind": "all"}, **DRAFT)
    rule_file = tmp_path / "rule.json"
    rule_file.write_text(saved.model_dump_json())
    assert score(rule_file, series) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == SCORED
    assert out.err == (
        f"ignoring id, org_id from {rule_file}: scoring reads only the rule's definition\n"
    )


def test_a_field_no_rule_has_is_refused_by_name(tmp_path, series, capsys):
    rule_file = tmp_path / "rule.json"
    rule_file.write_text(json.dumps({**DRAFT, "colour": "red"}))
    assert score(rule_file, series) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith("iotsphere alerts score: ")
    assert "colour" in out.err


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "No such file"), ("{not json", "not JSON"), ("[1, 2]", "a JSON object")],
)
def test_a_rule_file_that_is_no_rule_is_refused_as_backtest_refuses_it(
    tmp_path, series, capsys, content, reason
):
    rule_file = tmp_path / "rule.json"
    if content is not None:
        rule_file.write_text(content)
    assert score(rule_file, series) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"iotsphere alerts score: {rule_file}: ")
    assert reason in error


def test_scored_rows_go_to_the_output_file_and_a_bad_condition_is_named(tmp_path, series, capsys):
    rule_file = tmp_path / "rule.json"
    rule_file.write_text(json.dumps(DRAFT))
    target = tmp_path / "out.csv"
    assert score(rule_file, series, "--output", str(target)) == 0
    assert (target.read_text().splitlines(), capsys.readouterr().out) == (SCORED, "")
    rule_file.write_text(json.dumps({**DRAFT, "condition": {}}))
    assert score(rule_file, series, "--output", str(target)) == 2
    assert "condition" in capsys.readouterr().err


def test_a_rule_over_several_metrics_is_refused_one_series_is_one_metric(tmp_path, series, capsys):
    hot_and_shaking = {
        "type": "composite",
        "op": "and",
        "conditions": [ABOVE, {**ABOVE, "metric": "vibration", "set": 5, "clear": 4}],
    }
    rule_file = tmp_path / "rule.json"
    rule_file.write_text(
        json.dumps({"metric": "temperature", "severity": "minor", "condition": hot_and_shaking})
    )
    assert score(rule_file, series) == 2
    error = capsys.readouterr().err
    assert "temperature, vibration" in error
    assert "one series" in error
