"""Evaluator states kept one document per device: the rules of a device are read and written
together, and each state still keeps its own revision."""

import pytest

from iotsphere.adapters.mongo_alerting_state import STATES, MongoEvaluatorStateStore
from iotsphere.domain.alerting.evaluator import accept, new_state
from iotsphere.services.alerting.errors import ConcurrentUpdateError
from tests.integration.test_mongo_alerting_stores import T0, database, org, rule

pytestmark = pytest.mark.integration
__all__ = ["database"]  # the fixture, shared with the other store tests


def test_a_devices_states_share_one_document_and_keep_their_own_revisions(database):
    store, owner = MongoEvaluatorStateStore(database[STATES]), org()
    hot, cold = rule(owner, "hot"), rule(owner, "cold")
    first, _ = accept(new_state(hot, "d1"), hot, [(T0, 90.0)])
    store.save([first])
    other, _ = accept(new_state(cold, "d1"), cold, [(T0, 10.0)])
    saved_hot = store.load([first.key])[first.key]
    store.save([saved_hot, other])  # an existing state and a new one beside it
    assert database[STATES].count_documents({"org_id": owner}) == 1
    both = store.load([first.key, other.key])
    assert (both[first.key].revision, both[other.key].revision) == (2, 1)
    with pytest.raises(ConcurrentUpdateError):  # one stale state fails the device's update
        store.save([saved_hot, both[other.key]])
    assert store.load([other.key])[other.key].revision == 1
    with pytest.raises(ConcurrentUpdateError):  # a "new" state someone else created meanwhile
        store.save([other])


def test_the_sweep_sees_waiting_states_and_missing_data_rules_of_its_organization(database):
    store, owner = MongoEvaluatorStateStore(database[STATES]), org()
    waiting_rule, done_rule = rule(owner, "waits", lateness_s=60), rule(owner, "done", lateness_s=0)
    waiting, _ = accept(new_state(waiting_rule, "d1"), waiting_rule, [(T0, 90.0)])
    done, _ = accept(new_state(done_rule, "d1"), done_rule, [(T0, 90.0)])
    store.save([waiting, done])
    assert [s.rule_id for s in store.sweepable(owner, [])] == ["waits"]
    assert sorted(s.rule_id for s in store.sweepable(owner, ["done"])) == ["done", "waits"]
    assert store.sweepable(org(), ["done"]) == []


def test_a_state_saved_by_someone_else_in_between_fails_the_save_and_others_are_kept(database):
    """Two evaluators (two store instances) read the same state; the second one to save loses.
    A save that names some of a device's states keeps the others as they are."""
    ours, theirs, owner = (
        MongoEvaluatorStateStore(database[STATES]),
        MongoEvaluatorStateStore(database[STATES]),
        org(),
    )
    hot, cold = rule(owner, "hot"), rule(owner, "cold")
    first_hot, _ = accept(new_state(hot, "d1"), hot, [(T0, 90.0)])
    first_cold, _ = accept(new_state(cold, "d1"), cold, [(T0, 10.0)])
    ours.save([first_hot, first_cold])
    mine = ours.load([first_hot.key])[first_hot.key]
    other = theirs.load([first_hot.key])[first_hot.key]
    theirs.save([accept(other, hot, [(T0 + 1000, 11.0)])[0]])
    with pytest.raises(ConcurrentUpdateError):
        ours.save([accept(mine, hot, [(T0 + 1000, 91.0)])[0]])
    again = ours.load([first_hot.key])[first_hot.key]
    ours.save([accept(again, hot, [(T0 + 2000, 91.0)])[0]])
    final = ours.load([first_hot.key, first_cold.key])
    assert (final[first_hot.key].revision, final[first_cold.key].revision) == (3, 1)
    assert final[first_cold.key] == first_cold.model_copy(update={"revision": 1})


def test_a_new_device_created_by_someone_else_in_between_fails_the_save(database):
    ours, theirs, owner = (
        MongoEvaluatorStateStore(database[STATES]),
        MongoEvaluatorStateStore(database[STATES]),
        org(),
    )
    hot = rule(owner, "hot")
    fresh, _ = accept(new_state(hot, "d1"), hot, [(T0, 90.0)])
    assert ours.load([fresh.key]) == theirs.load([fresh.key]) == {}
    theirs.save([fresh])
    with pytest.raises(ConcurrentUpdateError):
        ours.save([fresh])
    assert ours.load([fresh.key])[fresh.key].revision == 1
