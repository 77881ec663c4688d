import pytest

from iotsphere.domain.devices.config_schema import ConfigSchema, schema_problems, validate_config
from iotsphere.domain.devices.errors import InvalidConfigError

SCHEMA = ConfigSchema.model_validate(
    {
        "type": "object",
        "required": ["interval_s"],
        "properties": {
            "interval_s": {"type": "integer", "minimum": 1, "maximum": 3600},
            "mode": {"type": "string", "enum": ["eco", "boost"]},
            "label": {"type": "string", "maxLength": 4},
            "led": {"type": "boolean"},
            "thresholds": {"type": "array", "items": {"type": "number"}, "maxItems": 2},
            "net": {
                "type": "object",
                "properties": {"ssid": {"type": "string", "minLength": 1}},
            },
        },
    }
)


def test_a_valid_document_has_no_problems():
    doc = {
        "interval_s": 10,
        "mode": "eco",
        "led": True,
        "thresholds": [1, 2.5],
        "net": {"ssid": "x"},
    }
    assert schema_problems(SCHEMA, doc) == []


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        ({}, "$.interval_s: is required"),
        ({"interval_s": 0}, "$.interval_s: must be >= 1"),
        ({"interval_s": 4000}, "$.interval_s: must be <= 3600"),
        ({"interval_s": 1.5}, "$.interval_s: must be of type integer, got number"),
        ({"interval_s": True}, "$.interval_s: must be of type integer, got boolean"),
        ({"interval_s": 1, "mode": "turbo"}, "$.mode: must be one of ['eco', 'boost']"),
        ({"interval_s": 1, "label": "abcde"}, "$.label: must be at most 4 characters"),
        ({"interval_s": 1, "led": 1}, "$.led: must be of type boolean, got number"),
        (
            {"interval_s": 1, "thresholds": [1, "x"]},
            "$.thresholds[1]: must be of type number, got string",
        ),
        ({"interval_s": 1, "thresholds": [1, 2, 3]}, "$.thresholds: must hold at most 2 items"),
        ({"interval_s": 1, "net": {"ssid": ""}}, "$.net.ssid: must be at least 1 characters"),
        ({"interval_s": 1, "net": {"pw": "x"}}, "$.net.pw: is not a known setting"),
        ({"interval_s": 1, "extra": 1}, "$.extra: is not a known setting"),
    ],
)
def test_each_broken_rule_is_named_with_its_path(doc, problem):
    assert schema_problems(SCHEMA, doc) == [problem]


def test_validate_raises_with_every_problem():
    with pytest.raises(InvalidConfigError) as caught:
        validate_config(SCHEMA, {"interval_s": "x", "y": 1})
    assert caught.value.problems == [
        "$.interval_s: must be of type integer, got string",
        "$.y: is not a known setting",
    ]


def test_unknown_schema_keywords_are_refused():
    with pytest.raises(ValueError, match="pattern"):
        ConfigSchema.model_validate({"type": "string", "pattern": "^a"})
