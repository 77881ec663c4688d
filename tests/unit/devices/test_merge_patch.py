import pytest

from iotsphere.domain.devices.merge_patch import apply_merge_patch, delta


# The examples of RFC 7396, appendix A.
@pytest.mark.parametrize(
    ("target", "patch", "result"),
    [
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        (["a", "b"], ["c", "d"], ["c", "d"]),
        ({"a": "b"}, ["c"], ["c"]),
        ({"a": "foo"}, None, None),
        ({"a": "foo"}, "bar", "bar"),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_rfc_7396_examples(target, patch, result):
    assert apply_merge_patch(target, patch) == result


def test_neither_argument_is_changed():
    target, patch = {"a": {"b": 1}}, {"a": {"c": 2}}
    merged = apply_merge_patch(target, patch)
    merged["a"]["b"] = 99
    assert target == {"a": {"b": 1}}
    assert patch == {"a": {"c": 2}}


def test_delta_holds_what_differs_or_is_missing_nested_member_by_member():
    desired = {"a": 1, "b": {"x": 1, "y": 2}, "c": [1], "d": True}
    reported = {"a": 1.0, "b": {"x": 1, "y": 3}, "c": [1], "d": 1, "extra": 5}
    assert delta(desired, reported) == {"b": {"y": 2}, "d": True}


def test_delta_is_empty_when_in_sync():
    assert delta({"a": {"b": [1, {"c": 2}]}}, {"a": {"b": [1, {"c": 2}]}}) == {}
