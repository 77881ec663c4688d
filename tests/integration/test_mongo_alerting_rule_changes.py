"""A rule change reaches quiet devices' evaluator states on the real MongoDB-wire server: saving or
deleting a rule marks the organization's device documents due, the sweep reads every state of a
marked document and saves each with its due time, which ends the mark."""

import json
import uuid
from datetime import timedelta

import pytest

from iotsphere.adapters.mongo_alerting_ports import mongo_alerting_ports
from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.adapters.mongo_alerting_state import STATES, MongoEvaluatorStateStore
from iotsphere.adapters.mongo_devices_types import COLLECTION as TYPES
from iotsphere.adapters.mongo_devices_types import MongoDeviceTypeRepository
from iotsphere.domain.alerting.evaluator import accept, new_state
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.errors import ConcurrentUpdateError
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.rule_admin import delete_rule, save_rule
from iotsphere.services.alerting.sweep import sweep_missing_data
from tests.fakes import FakePublisher
from tests.integration.test_mongo_alerting_stores import (
    AT,
    T0,
    database,
    org,
    register_pump,
    rule,
)
from tests.unit.alerting.fakes import FakeHistory, FakeLog

pytestmark = pytest.mark.integration
__all__ = ["database"]


def test_a_marked_organizations_states_are_all_due_until_their_device_is_saved(database):
    store, owner, other = MongoEvaluatorStateStore(database[STATES], checkpoint_s=0), org(), org()
    late, done = rule(owner, "late", lateness_s=60), rule(owner, "done", lateness_s=0)
    elsewhere = rule(other, "done", lateness_s=0)
    store.save(
        [
            accept(new_state(late, "d1"), late, [(T0, 90.0)], T0)[0],  # due a minute on
            accept(new_state(done, "d1"), done, [(T0, 90.0)], T0)[0],  # never due
            accept(new_state(done, "d2"), done, [(T0, 90.0)], T0)[0],
            accept(new_state(elsewhere, "d3"), elsewhere, [(T0, 90.0)], T0)[0],
        ]
    )
    assert [s for s in store.due_across_orgs(T0) if s.org_id in (owner, other)] == []
    store.mark_org_due(owner)
    due = [s for s in store.due_across_orgs(T0) if s.org_id in (owner, other)]
    assert sorted((s.device_id, s.rule_id, s.due_ms) for s in due) == [
        ("d1", "done", 0),
        ("d1", "late", 0),
        ("d2", "done", 0),
    ]
    d2 = next(s for s in due if s.device_id == "d2")
    store.save([d2.model_copy(update={"due_ms": None})])  # the sweep: its own due time
    assert {s.device_id for s in store.due_across_orgs(T0) if s.org_id == owner} == {"d1"}
    assert database[STATES].find_one({"_id": f"{owner}/d1"})["due_ms"] == 0


def test_a_rule_edited_into_missing_data_raises_for_a_quiet_device_at_the_next_sweep(database):
    owner, device_id = (
        uuid.uuid4().hex[:12],
        f"pump-{uuid.uuid4().hex[:8]}",
    )  # as the registry wants
    register_pump(database, owner, device_id)
    ports, sweeper = (  # the sweep runs in its own process, its rule cache its own
        mongo_alerting_ports(
            database, history=FakeHistory(), transitions=FakeLog(), notifications=FakePublisher()
        )
        for _ in range(2)
    )
    rules, types = MongoRuleStore(database[RULES]), MongoDeviceTypeRepository(database[TYPES])
    body = {
        "name": "watch",
        "scope": {"kind": "device", "value": device_id},
        "metric": "temperature",
        "severity": "major",
        "condition": {"type": "threshold", "op": "above", "set": 80},
        "lateness_s": 0,
    }
    save_rule(owner, "watch", body, rules, types, ports, AT)
    reading = ForwardedReading(device_id=device_id, ts_ms=T0, metrics={"temperature": 20.0})
    batch = ReadingsBatch(envelope_id=uuid.uuid4().hex, readings=[reading])
    evaluate_readings(batch, ports, AT + timedelta(seconds=1))
    heartbeat = {**body, "condition": {"type": "missing_data", "timeout_s": 60}}
    save_rule(owner, "watch", heartbeat, rules, types, ports, AT + timedelta(seconds=100))
    swept = sweep_missing_data(AT + timedelta(seconds=120), sweeper)
    raised = [(t.device_id, t.kind.value, t.at) for t in swept.transitions if t.org_id == owner]
    assert raised == [(device_id, "raised", AT + timedelta(seconds=60))]
    document = database[STATES].find_one({"_id": f"{owner}/{device_id}"})
    assert document["due_ms"] is None  # raised: nothing is due until a reading comes


def test_removed_states_leave_their_document_and_a_document_left_empty_goes(database):
    store, owner = MongoEvaluatorStateStore(database[STATES], checkpoint_s=0), org()
    hot, cold = rule(owner, "hot"), rule(owner, "cold")
    store.save(
        [
            accept(new_state(hot, "d1"), hot, [(T0, 90.0)], T0)[0],
            accept(new_state(cold, "d1"), cold, [(T0, 10.0)], T0)[0],
            accept(new_state(hot, "d2"), hot, [(T0, 90.0)], T0)[0],
        ]
    )
    keys = [(owner, "hot", "d1", "temperature"), (owner, "hot", "d2", "temperature")]
    found = store.load(keys).states
    stale = found[keys[0]].model_copy(update={"revision": 7})
    with pytest.raises(ConcurrentUpdateError):
        store.remove([stale])
    store.remove(list(found.values()))
    assert database[STATES].find_one({"_id": f"{owner}/d2"}) is None
    left = database[STATES].find_one({"_id": f"{owner}/d1"})
    assert (len(left["states"]), left["revision"]) == (1, 2)
    assert list(store.load([(owner, "cold", "d1", "temperature")]).states) == [
        (owner, "cold", "d1", "temperature")
    ]
    store.remove(list(found.values()))  # already gone: nothing to do


def test_a_marked_document_stays_marked_when_a_state_is_removed_from_it(database):
    store, owner = MongoEvaluatorStateStore(database[STATES], checkpoint_s=0), org()
    hot, cold = rule(owner, "hot"), rule(owner, "cold")
    store.save(
        [
            accept(new_state(hot, "d1"), hot, [(T0, 90.0)], T0)[0],
            accept(new_state(cold, "d1"), cold, [(T0, 10.0)], T0)[0],
        ]
    )
    store.mark_org_due(owner)
    due = [s for s in store.due_across_orgs(T0) if s.org_id == owner]
    store.remove([s for s in due if s.rule_id == "hot"])
    assert database[STATES].find_one({"_id": f"{owner}/d1"})["due_ms"] == 0
    assert [s.rule_id for s in store.due_across_orgs(T0) if s.org_id == owner] == ["cold"]


def test_the_sweep_removes_a_deleted_rules_states_from_the_store(database):
    owner, device_id = uuid.uuid4().hex[:12], f"pump-{uuid.uuid4().hex[:8]}"
    register_pump(database, owner, device_id)
    ports, sweeper = (
        mongo_alerting_ports(
            database, history=FakeHistory(), transitions=FakeLog(), notifications=FakePublisher()
        )
        for _ in range(2)
    )
    rules, types = MongoRuleStore(database[RULES]), MongoDeviceTypeRepository(database[TYPES])
    for rule_id, condition in [
        ("hot", {"type": "threshold", "op": "above", "set": 80}),
        ("off", {"type": "threshold", "op": "above", "set": 90}),
    ]:
        body = {
            "name": rule_id,
            "scope": {"kind": "all"},
            "metric": "temperature",
            "severity": "major",
            "condition": condition,
            "lateness_s": 0,
        }
        save_rule(owner, rule_id, body, rules, types, ports, AT)
    reading = ForwardedReading(device_id=device_id, ts_ms=T0, metrics={"temperature": 20.0})
    evaluate_readings(
        ReadingsBatch(envelope_id=uuid.uuid4().hex, readings=[reading]),
        ports,
        AT + timedelta(seconds=1),
    )
    save_rule(owner, "off", {**body, "enabled": False}, rules, types, ports, AT)
    delete_rule(owner, "hot", rules, ports)
    sweep_missing_data(AT + timedelta(seconds=120), sweeper)
    document = database[STATES].find_one({"_id": f"{owner}/{device_id}"})
    kept = [json.loads(state)["rule_id"] for state in document["states"].values()]
    assert (kept, document["due_ms"]) == (["off"], None)
