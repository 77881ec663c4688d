"""Evaluator states kept one document per device: the rules of a device are read and written
together, and each state still keeps its own revision. The tests of revisions write every save
(``checkpoint_s=0``); the deferred writes have tests of their own at the end."""

import pytest
from pymongo import ASCENDING, MongoClient, monitoring

from iotsphere.adapters.mongo_alerting_state import STATES, MongoEvaluatorStateStore
from iotsphere.domain.alerting.evaluator import accept, new_state
from iotsphere.services.alerting.errors import ConcurrentUpdateError
from tests.integration.test_mongo_alerting_stores import T0, database, org, rule

pytestmark = pytest.mark.integration
__all__ = ["database"]  # the fixture, shared with the other store tests


def test_a_devices_states_share_one_document_and_keep_their_own_revisions(database):
    store, owner = MongoEvaluatorStateStore(database[STATES], checkpoint_s=0), org()
    hot, cold = rule(owner, "hot"), rule(owner, "cold")
    first, _ = accept(new_state(hot, "d1"), hot, [(T0, 90.0)])
    store.save([first])
    other, _ = accept(new_state(cold, "d1"), cold, [(T0, 10.0)])
    saved_hot = store.load([first.key]).states[first.key]
    store.save([saved_hot, other])  # an existing state and a new one beside it
    assert database[STATES].count_documents({"org_id": owner}) == 1
    both = store.load([first.key, other.key]).states
    assert (both[first.key].revision, both[other.key].revision) == (2, 1)
    with pytest.raises(ConcurrentUpdateError):  # one stale state fails the device's update
        store.save([saved_hot, both[other.key]])
    assert store.load([other.key]).states[other.key].revision == 1
    with pytest.raises(ConcurrentUpdateError):  # a "new" state someone else created meanwhile
        store.save([other])


def test_the_sweep_finds_the_states_of_a_device_that_are_due_and_not_the_others(database):
    store, owner = MongoEvaluatorStateStore(database[STATES], checkpoint_s=0), org()
    waiting_rule, done_rule = rule(owner, "waits", lateness_s=60), rule(owner, "done", lateness_s=0)
    waiting, _ = accept(new_state(waiting_rule, "d1"), waiting_rule, [(T0, 90.0)])
    done, _ = accept(new_state(done_rule, "d1"), done_rule, [(T0, 90.0)])
    store.save([waiting, done])
    due = [s.rule_id for s in store.due_across_orgs(T0 + 60_000) if s.org_id == owner]
    assert due == ["waits"]


def test_a_state_saved_by_someone_else_in_between_fails_the_save_and_others_are_kept(database):
    """Two evaluators (two store instances) read the same state; the second one to save loses.
    A save that names some of a device's states keeps the others as they are."""
    ours, theirs, owner = (
        MongoEvaluatorStateStore(database[STATES], checkpoint_s=0),
        MongoEvaluatorStateStore(database[STATES], checkpoint_s=0),
        org(),
    )
    hot, cold = rule(owner, "hot"), rule(owner, "cold")
    first_hot, _ = accept(new_state(hot, "d1"), hot, [(T0, 90.0)])
    first_cold, _ = accept(new_state(cold, "d1"), cold, [(T0, 10.0)])
    ours.save([first_hot, first_cold])
    mine = ours.load([first_hot.key]).states[first_hot.key]
    other = theirs.load([first_hot.key]).states[first_hot.key]
    theirs.save([accept(other, hot, [(T0 + 1000, 11.0)])[0]])
    with pytest.raises(ConcurrentUpdateError):
        ours.save([accept(mine, hot, [(T0 + 1000, 91.0)])[0]])
    again = ours.load([first_hot.key]).states[first_hot.key]
    ours.save([accept(again, hot, [(T0 + 2000, 91.0)])[0]])
    final = ours.load([first_hot.key, first_cold.key]).states
    assert (final[first_hot.key].revision, final[first_cold.key].revision) == (3, 1)
    assert final[first_cold.key] == first_cold.model_copy(update={"revision": 1})


def test_a_new_device_created_by_someone_else_in_between_fails_the_save(database):
    ours, theirs, owner = (
        MongoEvaluatorStateStore(database[STATES], checkpoint_s=0),
        MongoEvaluatorStateStore(database[STATES], checkpoint_s=0),
        org(),
    )
    hot = rule(owner, "hot")
    fresh, _ = accept(new_state(hot, "d1"), hot, [(T0, 90.0)])
    assert ours.load([fresh.key]).states == theirs.load([fresh.key]).states == {}
    theirs.save([fresh])
    with pytest.raises(ConcurrentUpdateError):
        ours.save([fresh])
    assert ours.load([fresh.key]).states[fresh.key].revision == 1


class StateReads(monitoring.CommandListener):
    """Counts the ``find`` commands sent to the states collection."""

    def __init__(self) -> None:
        self.finds = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find" and event.command.get("find") == STATES:
            self.finds += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
def counted(settings):
    """A store on its own client whose state reads are counted, and the counter."""
    reads = StateReads()
    client = MongoClient(
        settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000, event_listeners=[reads]
    )
    yield MongoEvaluatorStateStore(client[settings.mongo_database][STATES]), reads
    client.close()


def test_a_warm_store_loads_what_it_saved_without_reading_mongodb(counted):
    store, reads = counted
    hot = rule(org(), "hot")
    fresh, _ = accept(new_state(hot, "d1"), hot, [(T0, 90.0)])
    assert store.load([fresh.key]).states == {}
    store.save([fresh])
    reads.finds = 0
    for n in range(1, 4):
        loaded = store.load([fresh.key]).states[fresh.key]
        assert loaded.revision == n
        store.save([accept(loaded, hot, [(T0 + n * 1000, 90.0)])[0]])
    assert reads.finds == 0


def test_a_stale_cached_state_is_detected_and_reloaded(database):
    """Two workers, each with its warm store: the one whose cached document is behind the
    stored one loses its save, forgets the device and reads it again; no update is lost."""
    ours, theirs, owner = (
        MongoEvaluatorStateStore(database[STATES], checkpoint_s=0),
        MongoEvaluatorStateStore(database[STATES], checkpoint_s=0),
        org(),
    )
    hot = rule(owner, "hot", lateness_s=0)
    first, _ = accept(new_state(hot, "d1"), hot, [(T0, 90.0)])
    ours.load([first.key])
    ours.save([first])  # ours now holds revision 1
    newer = accept(theirs.load([first.key]).states[first.key], hot, [(T0 + 1000, 91.0)])[0]
    theirs.save([newer])
    stale = ours.load([first.key]).states[first.key]
    assert stale.revision == 1  # from the cache: nothing was read
    with pytest.raises(ConcurrentUpdateError):
        ours.save([accept(stale, hot, [(T0 + 2000, 92.0)])[0]])
    fresh = ours.load([first.key]).states[first.key]
    assert (fresh.revision, fresh.last_ts_ms) == (2, T0 + 1000)
    ours.save([accept(fresh, hot, [(T0 + 2000, 92.0)])[0]])
    final = theirs.load([first.key]).states[
        first.key
    ]  # theirs is stale now, and reads nothing either
    assert final.revision == 2
    with pytest.raises(ConcurrentUpdateError):
        theirs.save([accept(final, hot, [(T0 + 3000, 93.0)])[0]])
    assert theirs.load([first.key]).states[first.key].last_ts_ms == T0 + 2000


def test_the_states_need_no_secondary_index_and_the_old_one_is_dropped(database):
    """Every save replaces a document, and an index on ``due_ms`` made each replace half as
    costly again on the MongoDB-wire server; the sweep's one query scans instead."""
    store = MongoEvaluatorStateStore(database[STATES], checkpoint_s=0)
    database[STATES].create_index([("org_id", ASCENDING)])
    store.ensure_indexes()
    assert list(database[STATES].index_information()) == ["_id_"]
    store.ensure_indexes()  # again: nothing to drop
    owner = org()
    neighbour = f"{owner}-2"
    waits = rule(owner, "waits", lateness_s=60)
    theirs = rule(neighbour, "waits", lateness_s=60)
    store.save(
        [
            accept(new_state(waits, "d1"), waits, [(T0, 1.0)])[0],
            accept(new_state(theirs, "d1"), theirs, [(T0, 1.0)])[0],
        ]
    )
    found = {s.org_id for s in store.due_across_orgs(T0 + 60_000)} & {owner, neighbour}
    assert found == {owner, neighbour}  # one query for every organization


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_save_that_changes_no_decision_is_written_after_the_checkpoint_interval(database):
    clock, owner = Clock(), org()
    ours = MongoEvaluatorStateStore(database[STATES], checkpoint_s=5, clock=clock)
    hot = rule(owner, "hot", lateness_s=0)
    state, _ = accept(new_state(hot, "d1"), hot, [(T0, 20.0)])
    ours.save([state])  # new: written at once
    for second in range(1, 3):  # a document waits at least half the interval
        clock.now += 1
        state = ours.load([state.key]).states[state.key]
        ours.save([accept(state, hot, [(T0 + second * 1000, 20.0)])[0]])
    behind = MongoEvaluatorStateStore(database[STATES]).load([state.key])
    assert behind.states[state.key].max_seen_ms == T0  # only the first save reached the store
    assert behind.restored == {state.key}
    kept = ours.load([state.key])
    assert kept.states[state.key].max_seen_ms == T0 + 2000
    assert kept.restored == frozenset()
    clock.now += 3  # five seconds after the last write: the whole interval
    ours.save([accept(kept.states[state.key], hot, [(T0 + 5000, 20.0)])[0]])
    stored = MongoEvaluatorStateStore(database[STATES]).load([state.key]).states[state.key]
    assert (stored.max_seen_ms, stored.revision) == (T0 + 5000, 4)


def second_save_as_stored(database, lateness_s, second_value):
    """A state saved new, then one second later with a reading of ``second_value``, by a store
    deferring for 5 s; what another store reads back."""
    clock = Clock()
    ours = MongoEvaluatorStateStore(database[STATES], checkpoint_s=5, clock=clock)
    watching = rule(org(), "watching", lateness_s=lateness_s)
    state, _ = accept(new_state(watching, "d1"), watching, [(T0, 20.0)])
    ours.save([state])
    clock.now += 1
    kept = ours.load([state.key]).states[state.key]
    ours.save([accept(kept, watching, [(T0 + 1000, second_value)])[0]])
    return MongoEvaluatorStateStore(database[STATES]).load([state.key]).states[state.key]


def test_a_changed_decision_is_written_at_once(database):
    stored = second_save_as_stored(database, lateness_s=0, second_value=95.0)
    assert (stored.active, stored.max_seen_ms) == (True, T0 + 1000)


def test_a_document_due_for_the_sweep_before_the_longest_deferral_is_written_at_once(database):
    """Due a minute after its reading, stamped a day before the wall clock: due already."""
    stored = second_save_as_stored(database, lateness_s=60, second_value=20.0)
    assert stored.max_seen_ms == T0 + 1000


def test_a_quiet_save_of_a_document_with_nothing_due_waits(database):
    stored = second_save_as_stored(database, lateness_s=0, second_value=20.0)
    assert stored.max_seen_ms == T0


def test_a_lost_write_keeps_none_of_its_deferred_saves(database):
    """A save whose written part loses to another writer changes nothing kept, deferred parts
    included: the evaluation starts again from the store and applies its readings once."""
    clock, owner = Clock(), org()
    ours = MongoEvaluatorStateStore(database[STATES], checkpoint_s=5, clock=clock)
    theirs = MongoEvaluatorStateStore(database[STATES], checkpoint_s=0)
    hot = rule(owner, "hot", lateness_s=0)
    quiet, _ = accept(new_state(hot, "d1"), hot, [(T0, 20.0)])
    raced, _ = accept(new_state(hot, "d2"), hot, [(T0, 20.0)])
    ours.save([quiet, raced])
    clock.now += 1
    theirs.save([accept(theirs.load([raced.key]).states[raced.key], hot, [(T0 + 500, 20.0)])[0]])
    loaded = ours.load([quiet.key, raced.key]).states
    later = [
        accept(loaded[k], hot, [(T0 + 1000, 95.0 if k == raced.key else 20.0)])[0]
        for k in (quiet.key, raced.key)
    ]
    with pytest.raises(ConcurrentUpdateError):
        ours.save(later)  # d2's raise is written and loses; d1's is deferred
    assert ours.load([quiet.key]).states[quiet.key].max_seen_ms == T0
