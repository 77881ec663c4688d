"""A rule change reaches quiet devices' evaluator states on the real MongoDB-wire server: saving or
deleting a rule marks the organization's device documents due, the sweep reads every state of a
marked document and saves each with its due time, which ends the mark."""

import uuid
from datetime import timedelta

import pytest

from iotsphere.adapters.mongo_alerting_ports import ensure_alerting_indexes, mongo_alerting_ports
from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.adapters.mongo_alerting_state import STATES, MongoEvaluatorStateStore
from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.adapters.mongo_devices_types import COLLECTION as TYPES
from iotsphere.adapters.mongo_devices_types import MongoDeviceTypeRepository
from iotsphere.domain.alerting.evaluator import accept, new_state
from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.rule_admin import save_rule
from iotsphere.services.alerting.sweep import sweep_missing_data
from tests.fakes import FakePublisher
from tests.integration.test_mongo_alerting_stores import AT, T0, database, org, rule
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
    ensure_alerting_indexes(database)
    MongoDeviceRepository(database[DEVICES]).add(
        [
            Device(
                id=device_id,
                org_id=owner,
                name=device_id,
                device_type="pump",
                status=DeviceStatus.ONLINE,
                status_changed_at=AT,
                created_at=AT,
            )
        ]
    )
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
