"""Every rule and condition shown in docs/alerting.md parses: the operator's examples stay true."""

import json
import re
from pathlib import Path

import pytest

from iotsphere.domain.alerting.rule_checks import parse_rule

DOC = (Path(__file__).resolve().parents[3] / "docs" / "alerting.md").read_text(encoding="utf-8")
RULES = re.findall(r"```json\n(.*?)```", DOC, re.S)
CONDITIONS = re.findall(r"`(\{\"type\": .*?\})`", DOC)


def test_the_doc_shows_a_rule_and_a_condition_of_every_leaf_type():
    assert RULES
    types = {json.loads(text)["type"] for text in CONDITIONS}
    assert {"threshold", "band", "aggregate", "rate", "anomaly", "missing_data"} <= types


@pytest.mark.parametrize("text", RULES)
def test_a_whole_rule_from_the_doc_parses(text):
    assert parse_rule({**json.loads(text), "org_id": "orga"}).id


@pytest.mark.parametrize("text", CONDITIONS)
def test_a_condition_from_the_doc_parses(text):
    rule = parse_rule(
        {
            "id": "doc",
            "org_id": "orga",
            "name": "doc",
            "scope": {"kind": "all"},
            "metric": "temperature",
            "severity": "minor",
            "condition": json.loads(text),
        }
    )
    assert rule.condition.type == json.loads(text)["type"]
