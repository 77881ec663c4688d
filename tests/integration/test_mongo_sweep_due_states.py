"""The sweep's one query against the real MongoDB-wire server of the test stack: the server sends
the device documents due by the sweep's time (and those saved before due times existed), never
one whose states are due later or never."""

import json

import pytest
from pymongo import MongoClient, monitoring

from iotsphere.adapters.mongo_alerting_state import STATES, MongoEvaluatorStateStore
from iotsphere.domain.alerting.evaluator import accept, check_missing, new_state
from tests.integration.test_mongo_alerting_stores import T0, org, rule

pytestmark = pytest.mark.integration

HEARTBEAT = {"type": "missing_data", "timeout_s": 300}


class StateFinds(monitoring.CommandListener):
    """The ids of the device documents each ``find`` on the states collection returned (in its
    first batch and the ``getMore`` batches after it)."""

    def __init__(self) -> None:
        self.requests: set[int] = set()
        self.returned: list[list[str]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        command = event.command
        if command.get("find") == STATES or command.get("collection") == STATES:
            self.requests.add(event.request_id)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        if event.request_id in self.requests:
            cursor = event.reply["cursor"]
            batch = cursor.get("firstBatch", cursor.get("nextBatch", []))
            self.returned.append([document["_id"] for document in batch])

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
def watched(settings):
    """A store on its own client whose state reads are watched, the collection and the watcher."""
    finds = StateFinds()
    client = MongoClient(
        settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000, event_listeners=[finds]
    )
    collection = client[settings.mongo_database][STATES]
    yield MongoEvaluatorStateStore(collection), collection, finds
    client.close()


def mine(owner, states):
    return sorted((s.device_id, s.rule_id) for s in states if s.org_id == owner)


def test_a_document_due_later_is_not_sent_and_one_due_is(watched):
    store, collection, finds = watched
    owner = org()
    waits, heartbeat = rule(owner, "waits", lateness_s=60), rule(owner, "hb", condition=HEARTBEAT)
    quiet, _ = accept(new_state(waits, "quiet"), waits, [(T0, 90.0)], now_ms=T0 + 500)
    later, _ = accept(new_state(heartbeat, "later"), heartbeat, [(T0, 20.0)], now_ms=T0 + 500)
    store.save([quiet, later])
    stored = {d["_id"]: d["due_ms"] for d in collection.find({"org_id": owner})}
    assert stored == {f"{owner}/quiet": T0 + 60_000, f"{owner}/later": T0 + 300_000}

    finds.returned.clear()
    assert mine(owner, store.due_across_orgs(T0 + 60_000 - 1)) == []
    assert mine(owner, store.due_across_orgs(T0 + 60_000)) == [("quiet", "waits")]
    sent = [doc_id for batch in finds.returned for doc_id in batch if doc_id.startswith(owner)]
    assert sent == [f"{owner}/quiet"]  # the later one never left the server
    due = mine(owner, store.due_across_orgs(T0 + 300_000))
    assert due == [("later", "hb"), ("quiet", "waits")]


def test_a_document_with_nothing_due_is_never_sent(watched):
    store, collection, _ = watched
    owner = org()
    done = rule(owner, "done", lateness_s=0)
    state, _ = accept(new_state(done, "d1"), done, [(T0, 90.0)], now_ms=T0)
    store.save([state])
    assert collection.find_one({"_id": f"{owner}/d1"})["due_ms"] is None
    assert mine(owner, store.due_across_orgs(2**62)) == []


def test_a_document_saved_before_due_times_is_sent_until_the_sweep_saves_it(watched):
    store, collection, finds = watched
    owner = org()
    heartbeat = rule(owner, "hb", condition=HEARTBEAT)
    state, _ = accept(new_state(heartbeat, "old"), heartbeat, [(T0, 20.0)], now_ms=T0)
    store.save([state])
    document = collection.find_one({"_id": f"{owner}/old"})
    (slot,) = document["states"]
    legacy = {k: v for k, v in json.loads(document["states"][slot]).items() if k != "due_ms"}
    collection.update_one(
        {"_id": document["_id"]},
        {"$unset": {"due_ms": ""}, "$set": {f"states.{slot}": json.dumps(legacy)}},
    )

    sweep = MongoEvaluatorStateStore(collection)  # a cold sweep process
    (found,) = [s for s in sweep.due_across_orgs(T0) if s.org_id == owner]
    assert found.due_ms == 0
    finds.returned.clear()
    rescheduled, raised = check_missing(found, heartbeat, T0)
    assert raised == []
    assert rescheduled.due_ms == T0 + 300_000
    sweep.save([rescheduled])
    assert finds.returned == []  # the save read nothing: it used the revision the sweep read
    assert mine(owner, sweep.due_across_orgs(T0 + 299_999)) == []
    assert collection.find_one({"_id": document["_id"]})["due_ms"] == T0 + 300_000
