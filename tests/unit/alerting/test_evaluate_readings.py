import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.alerting.scope import DeviceProfile
from iotsphere.domain.alerting.silences import Silence
from iotsphere.domain.alerting.transitions import AlarmStatus, NotificationMessage, from_ms
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.services.alerting.errors import ConcurrentUpdateError
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.rule_cache import RuleCache
from tests.unit.alerting.fakes import FakeDevices, Fakes
from tests.unit.alerting.rules import T0, make_rule

NOW = from_ms(T0) + timedelta(minutes=5)
ABOVE = {"type": "threshold", "op": "above", "set": 80, "clear": 75}


@pytest.fixture
def fakes():
    found = Fakes(
        devices=FakeDevices(
            DeviceProfile(device_id="pump-1", org_id="org-a", groups={"plant-1"}),
            DeviceProfile(device_id="pump-9", org_id="org-b"),
        )
    )
    found.rules.rules["r1"] = make_rule(ABOVE)
    return found


def batch(*readings, device="pump-1", metric="temperature"):
    return ReadingsBatch(
        envelope_id="e1",
        readings=[
            ForwardedReading(device_id=device, ts_ms=T0 + int(s * 1000), metrics={metric: v})
            for s, v in readings
        ],
    )


def notified(fakes):
    return [
        (m.transition.kind.value, m.transition.device_id)
        for m in (NotificationMessage.model_validate_json(b) for b in fakes.notifications.bodies)
    ]


def test_a_crossing_raises_one_alarm_and_repeats_update_it(fakes):
    result = evaluate_readings(batch((0, 70), (1, 85), (2, 90)), fakes.ports(), NOW)
    assert [t.kind.value for t in result.transitions] == ["raised"]
    (alarm,) = fakes.alarms.saved.values()
    assert (alarm.status, alarm.count, alarm.last_value, alarm.org_id) == (
        AlarmStatus.ACTIVE,
        2,
        90,
        "org-a",
    )
    evaluate_readings(batch((3, 95)), fakes.ports(), NOW)
    (alarm,) = fakes.alarms.saved.values()
    assert (alarm.count, alarm.revision) == (3, 2)
    assert notified(fakes) == [("raised", "pump-1")]
    assert len(fakes.transitions.kept) == 1


def test_a_redelivered_batch_changes_nothing_and_notifies_nothing(fakes):
    message = batch((0, 70), (1, 85), (2, 60))
    evaluate_readings(message, fakes.ports(), NOW)
    saved = dict(fakes.alarms.saved)
    again = evaluate_readings(message, fakes.ports(), NOW)
    assert again.transitions == []
    assert again.late_dropped == 3
    assert fakes.alarms.saved == saved
    assert notified(fakes) == [("raised", "pump-1"), ("cleared", "pump-1")]


def test_a_failure_before_the_state_is_saved_repeats_the_same_transition_keys(fakes):
    message = batch((0, 70), (1, 85))
    fakes.states.save = lambda states: (_ for _ in ()).throw(ConnectionError("down"))
    with pytest.raises(ConnectionError):
        evaluate_readings(message, fakes.ports(), NOW)
    first = list(fakes.notifications.bodies)
    del fakes.states.save
    evaluate_readings(message, fakes.ports(), NOW)
    keys = [json.loads(b)["idempotency_key"] for b in fakes.notifications.bodies]
    assert len(first) == 1
    assert len(set(keys)) == 1
    assert len(fakes.transitions.kept) == 1


def test_another_organizations_rules_never_see_a_device(fakes):
    result = evaluate_readings(batch((0, 99), device="pump-9"), fakes.ports(), NOW)
    assert (result.evaluated, result.transitions) == (0, [])


def test_unknown_devices_strings_and_other_metrics_are_skipped(fakes):
    message = ReadingsBatch(
        envelope_id="e",
        readings=[
            ForwardedReading(device_id="ghost", ts_ms=T0, metrics={"temperature": 99.0}),
            ForwardedReading(device_id="pump-1", ts_ms=T0, metrics={"temperature": "hot"}),
            ForwardedReading(device_id="pump-1", ts_ms=T0 + 1, metrics={"rpm": 99.0}),
        ],
    )
    result = evaluate_readings(message, fakes.ports(), NOW)
    assert (result.unknown_devices, result.evaluated) == (1, 0)
    assert fakes.alarms.saved == {}


def test_a_silence_records_the_transition_but_does_not_notify(fakes):
    fakes.silences.silences.append(
        Silence(
            id="s1",
            org_id="org-a",
            kind="group",
            value="plant-1",
            starts_at=from_ms(T0),
            ends_at=from_ms(T0) + timedelta(hours=1),
        )
    )
    result = evaluate_readings(batch((0, 90)), fakes.ports(), NOW)
    assert [(t.kind.value, t.suppressed) for t in result.transitions] == [("raised", "silenced")]
    (kept,) = fakes.transitions.kept.values()
    assert kept.suppressed == "silenced"
    assert fakes.notifications.bodies == []


def test_a_fresh_state_is_primed_with_the_window_before_its_first_reading(fakes):
    fakes.rules.rules["r1"] = make_rule(
        {"type": "aggregate", "function": "mean", "window_s": 60, "op": "above", "set": 50}
    )
    fakes.history.series[("pump-1", "temperature")] = [(T0 - 30_000, 100.0), (T0 - 90_000, 0.0)]
    result = evaluate_readings(batch((0, 20)), fakes.ports(), NOW)
    assert [t.kind.value for t in result.transitions] == ["raised"]
    assert fakes.history.asked == [("pump-1", "temperature", from_ms(T0 - 60_000), from_ms(T0))]
    evaluate_readings(batch((1, 20)), fakes.ports(), NOW)
    assert len(fakes.history.asked) == 1


def test_fresh_states_of_many_devices_are_primed_with_one_read_per_metric(fakes):
    """A rule saved over a group of many devices: one history read for all their new states,
    each primed with the window before its own first reading."""
    fakes.devices.known |= {
        d: DeviceProfile(device_id=d, org_id="org-a", groups={"plant-1"})
        for d in ("pump-2", "pump-3")
    }
    mean = {"type": "aggregate", "function": "mean", "window_s": 60, "op": "above", "set": 50}
    rate = {"type": "rate", "window_s": 30, "op": "above", "set": 100, "per": "minute"}
    fakes.rules.rules["r1"] = make_rule(mean, scope={"kind": "group", "value": "plant-1"})
    fakes.rules.rules["r2"] = make_rule(rate, id="r2", scope={"kind": "group", "value": "plant-1"})
    fakes.history.series[("pump-2", "temperature")] = [(T0 - 30_000, 100.0)]
    fakes.history.series[("pump-3", "temperature")] = [(T0 + 1000 - 61_000, 100.0)]
    readings = [
        ForwardedReading(device_id=d, ts_ms=T0 + offset, metrics={"temperature": 20.0})
        for d, offset in (("pump-1", 0), ("pump-2", 0), ("pump-3", 1000))
    ]
    result = evaluate_readings(
        ReadingsBatch(envelope_id="e1", readings=readings), fakes.ports(), NOW
    )
    assert fakes.history.reads == [("temperature", ["pump-1", "pump-2", "pump-3"])]
    assert [(t.device_id, t.kind.value) for t in result.transitions] == [("pump-2", "raised")]
    assert ("pump-3", "temperature", from_ms(T0 + 1000 - 60_000), from_ms(T0 + 1000)) in (
        fakes.history.asked
    )


MEAN_ABOVE_50 = {"type": "aggregate", "function": "mean", "window_s": 60, "op": "above", "set": 50}


def test_a_state_restored_from_the_store_first_takes_the_stored_readings_it_never_saw(fakes):
    """The store saves a quiet state at most every few seconds: after a restart, the readings
    evaluated since its last save are read back from history, in device time, before the batch."""
    fakes.rules.rules["r1"] = make_rule(MEAN_ABOVE_50)
    evaluate_readings(batch((0, 20)), fakes.ports(), NOW)
    fakes.states.kept.clear()  # a restart: the worker keeps nothing
    fakes.history.series[("pump-1", "temperature")] = [
        (T0, 20.0),
        (T0 + 1000, 200.0),
        (T0 + 2000, 200.0),
    ]
    result = evaluate_readings(batch((3, 20)), fakes.ports(), NOW)
    assert [(t.kind.value, t.at) for t in result.transitions] == [("raised", from_ms(T0 + 1000))]
    assert fakes.history.asked[-1] == (
        "pump-1",
        "temperature",
        from_ms(T0 + 1),
        from_ms(T0 + 3000),
    )
    (state,) = fakes.states.saved.values()
    assert [v for _, v in state.history] == [20.0, 200.0, 200.0, 20.0]


def test_a_state_this_worker_kept_reads_no_history(fakes):
    fakes.rules.rules["r1"] = make_rule(MEAN_ABOVE_50)
    evaluate_readings(batch((0, 20)), fakes.ports(), NOW)
    asked = len(fakes.history.asked)
    evaluate_readings(batch((3, 20)), fakes.ports(), NOW)
    assert len(fakes.history.asked) == asked


def test_an_alarm_changed_between_read_and_save_is_evaluated_again_from_the_store(fakes):
    evaluate_readings(batch((0, 90)), fakes.ports(), NOW)
    load, raced = fakes.alarms.load, []

    def load_then_someone_acknowledges_once(org_id, ids):
        found = load(org_id, ids)
        if not raced:
            raced.append(True)
            for alarm in found.values():
                fakes.alarms.saved[alarm.id] = alarm.model_copy(update={"revision": 7})
        return found

    fakes.alarms.load = load_then_someone_acknowledges_once
    result = evaluate_readings(batch((1, 95), (2, 60)), fakes.ports(), NOW)
    assert [t.kind.value for t in result.transitions] == ["cleared"]
    keys = [json.loads(b)["idempotency_key"] for b in fakes.notifications.bodies]
    assert len(set(keys)) == 2
    (alarm,) = fakes.alarms.saved.values()
    assert (alarm.status, alarm.revision) == (AlarmStatus.CLEARED, 8)


def test_an_evaluation_that_keeps_losing_races_fails_for_the_queue_to_retry(fakes):
    evaluate_readings(batch((0, 90)), fakes.ports(), NOW)
    load = fakes.alarms.load

    def load_then_someone_saves(org_id, ids):
        found = load(org_id, ids)
        for alarm in found.values():
            fakes.alarms.saved[alarm.id] = alarm.model_copy(update={"revision": alarm.revision + 1})
        return found

    fakes.alarms.load = load_then_someone_saves
    with pytest.raises(ConcurrentUpdateError):
        evaluate_readings(batch((1, 95)), fakes.ports(), NOW)


def test_a_changed_condition_starts_its_latches_afresh_and_can_clear(fakes):
    evaluate_readings(batch((0, 90)), fakes.ports(), NOW)
    fakes.rules.rules["r1"] = make_rule({"type": "threshold", "op": "above", "set": 95})
    result = evaluate_readings(batch((1, 90)), fakes.ports(), NOW)
    assert [t.kind.value for t in result.transitions] == ["cleared"]


def test_the_rule_cache_serves_rules_until_its_ttl_passes(fakes):
    clock = [0.0]
    cache = RuleCache(fakes.rules, ttl_s=5, clock=lambda: clock[0])
    assert [r.id for r in cache.enabled_rules("org-a")] == ["r1"]
    fakes.rules.rules["r2"] = make_rule(ABOVE, id="r2")
    clock[0] = 4.999
    assert [r.id for r in cache.enabled_rules("org-a")] == ["r1"]
    clock[0] = 5.0
    assert [r.id for r in cache.enabled_rules("org-a")] == ["r1", "r2"]
    assert fakes.rules.reads == 2


def test_alarm_times_are_device_times(fakes):
    evaluate_readings(batch((30, 90)), fakes.ports(), datetime(2030, 1, 1, tzinfo=UTC))
    (alarm,) = fakes.alarms.saved.values()
    assert alarm.raised_at == from_ms(T0 + 30_000)
    assert alarm.opened_at == datetime(2030, 1, 1, tzinfo=UTC)


def counting(fakes, store_name):
    """Wrap a fake store's ``load`` to keep the ids each call asked for."""
    store = getattr(fakes, store_name)
    load, asked = store.load, []

    def recorded(*args):
        asked.append(list(args[-1]))
        return load(*args)

    store.load = recorded
    return asked


def test_readings_that_raise_nothing_read_no_alarm(fakes):
    alarms_asked = counting(fakes, "alarms")
    evaluate_readings(batch((0, 70), (1, 71)), fakes.ports(), NOW)
    assert alarms_asked == []
    evaluate_readings(batch((2, 90)), fakes.ports(), NOW)
    assert len(alarms_asked) == 1


def test_an_open_alarm_is_read_while_its_readings_repeat_it(fakes):
    evaluate_readings(batch((0, 90)), fakes.ports(), NOW)
    alarms_asked = counting(fakes, "alarms")
    evaluate_readings(batch((1, 91)), fakes.ports(), NOW)
    (alarm,) = fakes.alarms.saved.values()
    assert (len(alarms_asked), alarm.count) == (1, 2)


def test_a_batch_of_unknown_devices_costs_only_the_directory(fakes):
    states_asked = counting(fakes, "states")
    alarms_asked = counting(fakes, "alarms")
    result = evaluate_readings(batch((0, 90), (1, 95), device="ghost"), fakes.ports(), NOW)
    assert (result.unknown_devices, result.evaluated) == (1, 0)
    assert (fakes.rules.reads, states_asked, alarms_asked) == (0, [], [])
    assert fakes.notifications.bodies == []


def test_an_organization_without_rules_costs_one_cached_rule_read(fakes):
    states_asked = counting(fakes, "states")
    cache = RuleCache(fakes.rules, ttl_s=5, clock=lambda: 0.0)
    ports = replace(fakes.ports(), rules=cache)
    for second in range(3):
        result = evaluate_readings(batch((second, 99), device="pump-9"), ports, NOW)
        assert (result.unknown_devices, result.evaluated) == (0, 0)
    assert (fakes.rules.reads, states_asked) == (1, [])
