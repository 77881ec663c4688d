from tests.unit.alerting.rules import make_rule

ABOVE_80 = {"type": "threshold", "op": "above", "set": 80}


def test_the_same_condition_has_the_same_digest_whatever_else_the_rule_says():
    assert (
        make_rule(ABOVE_80).condition_digest
        == make_rule(ABOVE_80, name="renamed", severity="minor").condition_digest
    )


def test_a_changed_condition_has_another_digest():
    assert (
        make_rule(ABOVE_80).condition_digest != make_rule({**ABOVE_80, "set": 81}).condition_digest
    )


def test_the_digest_is_kept_with_the_rule_object():
    rule = make_rule(ABOVE_80)
    first = rule.condition_digest
    assert rule.condition_digest is first
