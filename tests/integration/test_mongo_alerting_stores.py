"""The alerting stores against the real MongoDB-wire server of the test stack."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pymongo import MongoClient

from iotsphere.adapters.mongo_alerting_catalogs import MongoAlarmCatalog
from iotsphere.adapters.mongo_alerting_ports import ensure_alerting_indexes
from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.adapters.mongo_alerting_silences import COLLECTION as SILENCES
from iotsphere.adapters.mongo_alerting_silences import MongoSilenceStore
from iotsphere.adapters.mongo_alerting_state import (
    ALARMS,
    STATES,
    MongoAlarmStore,
    MongoEvaluatorStateStore,
)
from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.domain.alerting.alarm_handling import acknowledge
from iotsphere.domain.alerting.alarm_lifecycle import raise_alarm
from iotsphere.domain.alerting.evaluator import accept, new_state
from iotsphere.domain.alerting.rule_checks import parse_rule
from iotsphere.domain.alerting.silences import Silence
from iotsphere.domain.alerting.transitions import AlarmStatus
from iotsphere.domain.devices.device import Device, DeviceStatus
from iotsphere.services.alerting.admin_ports import AlarmFilters
from iotsphere.services.alerting.errors import ConcurrentUpdateError, NotFoundError

pytestmark = pytest.mark.integration

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
T0 = 1_795_716_000_000


@pytest.fixture
def database(settings):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    yield client[settings.mongo_database]
    client.close()


def rule(org: str, rule_id: str = "r1", **extra):
    return parse_rule(
        {
            "id": rule_id,
            "org_id": org,
            "name": "hot",
            "scope": {"kind": "all"},
            "metric": "temperature",
            "severity": "major",
            "condition": {"type": "threshold", "op": "above", "set": 80, "clear": 75},
            **extra,
        }
    )


def org() -> str:
    return f"org-{uuid.uuid4().hex[:8]}"


def register_pump(database, owner: str, device_id: str) -> None:
    """The alerting indexes, and one online pump in the registry, registered at ``AT``."""
    ensure_alerting_indexes(database)
    pump = Device(
        id=device_id,
        org_id=owner,
        name=device_id,
        device_type="pump",
        status=DeviceStatus.ONLINE,
        status_changed_at=AT,
        created_at=AT,
    )
    MongoDeviceRepository(database[DEVICES]).add([pump])


def test_rules_are_kept_per_organization(database):
    store, mine, theirs = MongoRuleStore(database[RULES]), org(), org()
    store.save(rule(mine))
    store.save(rule(mine, "r2", enabled=False))
    store.save(rule(theirs))
    assert store.get(mine, "r1") == rule(mine)
    assert [r.id for r in store.enabled_rules(mine)] == ["r1"]
    assert [r.id for r in store.list_rules(mine)] == ["r1", "r2"]
    assert {mine, theirs} <= set(store.orgs_with_enabled_rules())
    with pytest.raises(NotFoundError):
        store.get(theirs, "r2")
    with pytest.raises(NotFoundError):
        store.delete(theirs, "r2")
    store.delete(mine, "r1")
    assert [r.id for r in store.list_rules(mine)] == ["r2"]


def test_states_round_trip_and_a_stale_revision_is_refused(database):
    store, owner = MongoEvaluatorStateStore(database[STATES]), org()
    the_rule = rule(owner, lateness_s=60)
    state, _ = accept(new_state(the_rule, "d1"), the_rule, [(T0, 90.0), (T0 + 1000, 91.0)])
    store.save([state])
    loaded = store.load([state.key, (owner, "r1", "d2", "temperature")]).states
    assert list(loaded) == [state.key]
    assert loaded[state.key] == state.model_copy(update={"revision": 1})
    with pytest.raises(ConcurrentUpdateError):
        store.save([state])
    store.save([loaded[state.key]])
    due = [s.key for s in store.due_across_orgs(T0 + 61_000) if s.org_id == owner]
    assert due == [state.key]  # a minute after the newest reading waiting


def test_alarms_are_saved_by_revision_and_scoped_by_organization(database):
    store, owner = MongoAlarmStore(database[ALARMS]), org()
    alarm, _ = raise_alarm(None, rule(owner), "d1", AT, 90.0, now=AT)
    store.save([alarm])
    saved = store.get(owner, alarm.id)
    assert (saved.status, saved.revision, saved.raised_at) == (AlarmStatus.ACTIVE, 1, AT)
    with pytest.raises(NotFoundError):
        store.get(org(), alarm.id)
    assert store.load(org(), [alarm.id]) == {}
    acked, _ = acknowledge(saved, "ana", AT + timedelta(seconds=5))
    store.save([acked])
    with pytest.raises(ConcurrentUpdateError):
        store.save([acked])
    assert [a.status for a in store.open_or_flapping(owner)] == [AlarmStatus.ACKNOWLEDGED]
    assert owner in store.orgs_with_open_alarms()
    assert store.list_alarms(owner, status=AlarmStatus.ACKNOWLEDGED)[0].acknowledged_by == "ana"


def test_alarms_are_found_by_when_they_were_raised_in_their_organization(database):
    catalog, owner = MongoAlarmCatalog(database[ALARMS]), org()
    ids = []
    for minutes, owned_by in ((0, owner), (10, owner), (20, owner), (10, org())):
        at = AT + timedelta(minutes=minutes)
        alarm, _ = raise_alarm(None, rule(owned_by), f"d{minutes}", at, 90.0, now=at)
        catalog.save([alarm])
        ids.append(alarm.id)
    local = timezone(timedelta(hours=2))
    filters = AlarmFilters(
        raised_after=(AT + timedelta(minutes=10)).astimezone(local),
        raised_before=AT + timedelta(minutes=20),
    )
    assert [a.id for a in catalog.find_alarms(owner, filters, None, 10)] == [ids[1]]
    since = AlarmFilters(raised_after=AT + timedelta(minutes=5))
    assert [a.id for a in catalog.find_alarms(owner, since, None, 10)] == [ids[2], ids[1]]
    until = AlarmFilters(raised_before=AT + timedelta(minutes=5))
    assert [a.id for a in catalog.find_alarms(owner, until, None, 10)] == [ids[0]]


def test_silences_overlapping_a_range(database):
    store, owner = MongoSilenceStore(database[SILENCES]), org()
    silence = Silence(
        id="s1",
        org_id=owner,
        kind="device",
        value="d1",
        starts_at=AT,
        ends_at=AT + timedelta(hours=1),
    )
    store.save(silence)
    assert store.overlapping(owner, AT - timedelta(hours=2), AT) == [silence]
    assert store.overlapping(owner, AT + timedelta(hours=2), AT + timedelta(hours=3)) == []
    assert store.overlapping(org(), AT, AT) == []
    store.delete(owner, "s1")
    with pytest.raises(NotFoundError):
        store.delete(owner, "s1")
