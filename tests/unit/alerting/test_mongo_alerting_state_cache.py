"""The evaluator's warm cache of stored device documents: what it keeps, and what it forgets
first when its budget of points is spent."""

from iotsphere.adapters.mongo_alerting_state_cache import StoredDevice, StoredDevices
from iotsphere.domain.alerting.evaluator import accept, new_state
from tests.unit.alerting.rules import T0, make_rule

HOT = make_rule({"type": "aggregate", "function": "mean", "window_s": 60, "op": "above", "set": 80})


def device(points: int, revision: int = 1) -> StoredDevice:
    """A stored document with one state holding ``points`` points of history."""
    state, _ = accept(new_state(HOT, "d1"), HOT, [(T0 + i, 1.0) for i in range(points)])
    return StoredDevice(revision=revision, states={"slot": state})


def test_a_stored_device_is_kept_until_dropped():
    cache = StoredDevices(max_points=1000)
    kept = device(10, revision=3)
    cache.put("a", kept)
    assert cache.get("a") is kept
    cache.drop(["a", "never-kept"])
    assert cache.get("a") is None


def test_a_device_put_again_replaces_what_was_kept():
    cache = StoredDevices(max_points=1000)
    cache.put("a", device(10, revision=1))
    newer = device(20, revision=2)
    cache.put("a", newer)
    assert cache.get("a") is newer
    assert cache.points == newer.points


def test_past_its_budget_the_cache_forgets_the_least_recently_used_first():
    cache = StoredDevices(max_points=3 * device(10).points)
    for doc_id in "abc":
        cache.put(doc_id, device(10))
    assert cache.get("a") is not None  # used: b is now the oldest
    cache.put("d", device(10))
    assert [doc_id for doc_id in "abcd" if cache.get(doc_id) is not None] == ["a", "c", "d"]
    assert cache.points <= 3 * device(10).points


def test_a_device_larger_than_the_whole_budget_is_not_kept():
    cache = StoredDevices(max_points=2 * device(1).points)
    cache.put("a", device(1))
    cache.put("big", device(100))
    assert cache.get("big") is None
    assert cache.get("a") is not None


def test_a_state_weighs_more_than_its_points_so_many_small_ones_are_bounded_too():
    assert device(0).points > 10 * StoredDevice(revision=0, states={}).points


def test_an_absent_document_is_remembered_as_revision_zero_without_states():
    cache = StoredDevices(max_points=10)
    cache.put("new", StoredDevice(revision=0, states={}))
    assert cache.get("new") == StoredDevice(revision=0, states={})


def test_the_windows_of_a_composite_s_other_metrics_weigh_too():
    both = make_rule(
        {
            "type": "composite",
            "op": "and",
            "conditions": [
                {"type": "aggregate", "function": "mean", "window_s": 60, "op": "above", "set": 80},
                {
                    "type": "aggregate",
                    "function": "mean",
                    "window_s": 60,
                    "op": "above",
                    "set": 5,
                    "metric": "vibration",
                },
            ],
        }
    )
    points = [(T0 + i, 1.0) for i in range(10)]
    state, _ = accept(new_state(both, "d1"), both, points, others={"vibration": points})
    assert sum(len(kept.points) for kept in state.other_history) == 10
    only_own, _ = accept(new_state(both, "d1"), both, points)
    weighed = StoredDevice(revision=1, states={"slot": state}).points
    assert weighed == StoredDevice(revision=1, states={"slot": only_own}).points + 10
