"""The device adapters against the real MongoDB-wire server of the test stack. Each test works in
its own organization, so tests share the database without seeing each other."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import MongoClient

from iotsphere.adapters.mongo_devices import COLLECTION, MongoDeviceRepository
from iotsphere.adapters.mongo_devices_claims import COLLECTION as CLAIMS
from iotsphere.adapters.mongo_devices_claims import MongoClaimRepository
from iotsphere.adapters.mongo_devices_commands import COLLECTION as COMMANDS
from iotsphere.adapters.mongo_devices_commands import MongoCommandRepository
from iotsphere.adapters.mongo_devices_indexes import ensure_device_indexes
from iotsphere.adapters.mongo_devices_shadows import COLLECTION as SHADOWS
from iotsphere.adapters.mongo_devices_shadows import REVISIONS, MongoShadowRepository
from iotsphere.adapters.mongo_devices_types import COLLECTION as TYPES
from iotsphere.adapters.mongo_devices_types import MongoDeviceTypeRepository
from iotsphere.domain.devices.commands import Command, CommandState
from iotsphere.domain.devices.device import ConnectionEvent, Device, DeviceStatus
from iotsphere.domain.devices.device_type import DeviceType
from iotsphere.domain.devices.search import DeviceSearch
from iotsphere.domain.devices.shadow import Shadow, ShadowRevision
from iotsphere.services.devices.errors import AlreadyExistsError
from iotsphere.services.devices.ports import AllowedSerial

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def database(settings):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    database = client[settings.mongo_database]
    ensure_device_indexes(database)
    ensure_device_indexes(database)  # a second run changes nothing
    yield database
    client.close()


@pytest.fixture
def org():
    return uuid.uuid4().hex[:12]


def make_device(org, name, seconds=0, **fields):
    at = T0 + timedelta(seconds=seconds)
    device_id = f"d{uuid.uuid4().hex[:20]}"
    return Device(id=device_id, org_id=org, name=name, device_type="thermo",
                  created_at=at, status_changed_at=at, **fields)  # fmt: skip


def test_devices_round_trip_and_stay_in_their_organization(database, org):
    devices = MongoDeviceRepository(database[COLLECTION])
    event = ConnectionEvent(kind="online", at=T0, session="s")
    device = make_device(org, "a", tags=["x"], metadata={"site": "B"}, connection_history=[event])
    devices.add([device])
    assert devices.get(org, device.id) == device
    assert devices.locate(device.id) == device
    assert devices.get("someoneelse", device.id) is None
    assert devices.names_taken(org, ["a", "b"]) == {"a"}
    devices.remove("someoneelse", [device.id])
    assert devices.get(org, device.id) == device


def test_many_devices_are_read_at_once_and_only_from_their_organization(database, org):
    devices = MongoDeviceRepository(database[COLLECTION])
    mine = [make_device(org, name) for name in ("a", "b", "c")]
    theirs = make_device(uuid.uuid4().hex[:12], "a")
    devices.add([*mine, theirs])
    wanted = [mine[2].id, theirs.id, "dnothere", mine[0].id, mine[2].id]
    assert sorted(devices.get_many(org, wanted), key=lambda d: d.id) == sorted(
        [mine[0], mine[2]], key=lambda d: d.id
    )
    assert devices.get_many(org, []) == []


def test_more_devices_than_one_read_takes_all_come_back(database, org):
    devices = MongoDeviceRepository(database[COLLECTION])
    many = [make_device(org, f"n{i:03d}") for i in range(120)]
    devices.add(many)
    found = devices.get_many(org, [d.id for d in reversed(many)])
    assert sorted(d.id for d in found) == sorted(d.id for d in many)


def test_devices_are_located_by_ids_alone_across_organizations(database, org):
    devices = MongoDeviceRepository(database[COLLECTION])
    mine, theirs = make_device(org, "a"), make_device(uuid.uuid4().hex[:12], "a")
    devices.add([mine, theirs])
    found = devices.locate_many([theirs.id, "dnothere", mine.id, mine.id])
    assert sorted(d.id for d in found) == sorted([mine.id, theirs.id])


def test_a_taken_name_inserts_none_of_the_batch(database, org):
    devices = MongoDeviceRepository(database[COLLECTION])
    devices.add([make_device(org, "a")])
    batch = [make_device(org, "b"), make_device(org, "a"), make_device(org, "c")]
    with pytest.raises(AlreadyExistsError):
        devices.add(batch)
    assert devices.names_taken(org, ["a", "b", "c"]) == {"a"}


def test_save_is_conditional_on_the_revision(database, org):
    devices = MongoDeviceRepository(database[COLLECTION])
    device = make_device(org, "a")
    devices.add([device])
    online = device.move_to(DeviceStatus.VERIFIED, T0).move_to(DeviceStatus.ONLINE, T0)
    saved = devices.save(online)
    assert saved is not None
    assert saved.revision == 1
    assert devices.save(online) is None
    assert devices.get(org, device.id).status is DeviceStatus.ONLINE
    devices.add([make_device(org, "b")])
    with pytest.raises(AlreadyExistsError):
        devices.save(saved.model_copy(update={"name": "b"}))


def test_counts_by_status_and_never_seen_stay_in_their_organization(database, org):
    devices = MongoDeviceRepository(database[COLLECTION])
    seen = {"first_seen": T0, "last_seen": T0}
    devices.add([
        make_device(org, "new"),
        make_device(org, "on1", status=DeviceStatus.ONLINE, **seen),
        make_device(org, "on2", status=DeviceStatus.ONLINE, **seen),
        make_device(org, "ok", status=DeviceStatus.VERIFIED),
        make_device(org, "gone", status=DeviceStatus.DECOMMISSIONED),
        make_device(f"{org}x", "theirs", status=DeviceStatus.ONLINE, **seen),
    ])  # fmt: skip
    assert devices.count_by_status(org) == {
        DeviceStatus.PROVISIONED: 1,
        DeviceStatus.ONLINE: 2,
        DeviceStatus.VERIFIED: 1,
        DeviceStatus.DECOMMISSIONED: 1,
    }
    assert devices.count_never_seen(org) == 2
    assert devices.count_by_status(f"{org}y") == {}
    assert devices.count_never_seen(f"{org}y") == 0


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ({}, ["a1", "a2", "b1", "b2"]),
        ({"name_prefix": "a"}, ["a1", "a2"]),
        ({"name_prefix": "a.*"}, []),
        ({"tags": ["t1", "t2"]}, ["a2"]),
        ({"groups": ["g1", "g9"]}, ["a1", "b1"]),
        ({"status": ["online"]}, ["b2"]),
        ({"include_decommissioned": True}, ["a1", "a2", "b1", "b2", "z"]),
        ({"metadata": {"site": "B"}}, ["b1"]),
        ({"serial": "S2"}, ["a2"]),
        ({"last_seen_after": T0 + timedelta(seconds=1)}, ["b2"]),
        ({"last_seen_before": T0 + timedelta(seconds=1)}, ["b1"]),
        ({"first_seen_after": T0, "first_seen_before": T0 + timedelta(seconds=1)}, ["a2"]),
        ({"device_ids": ["dnothere"]}, []),
    ],
)
def test_search_filters_match_the_reference_meaning(database, org, search, expected):
    devices = MongoDeviceRepository(database[COLLECTION])
    stored = [
        make_device(org, "a1", groups=["g1"], tags=["t1"]),
        make_device(org, "a2", tags=["t1", "t2"], serial="S2", first_seen=T0),
        make_device(org, "b1", groups=["g1"], metadata={"site": "B"}, last_seen=T0),
        make_device(org, "b2", status=DeviceStatus.ONLINE, last_seen=T0 + timedelta(seconds=5)),
        make_device(org, "z", status=DeviceStatus.DECOMMISSIONED),
    ]
    devices.add(stored)
    spec = DeviceSearch(sort="name", **search)
    found = [d.name for d in devices.search(org, spec, None)]
    assert found == expected
    assert found == sorted(d.name for d in stored if spec.matches(d))


def test_search_by_device_ids_reads_only_those_of_the_organization(database, org):
    devices = MongoDeviceRepository(database[COLLECTION])
    mine = [make_device(org, name) for name in ("a", "b", "c")]
    gone = make_device(org, "z", status=DeviceStatus.DECOMMISSIONED)
    theirs = make_device(uuid.uuid4().hex[:12], "a")
    devices.add([*mine, gone, theirs])
    wanted = [mine[2].id, theirs.id, gone.id, mine[0].id, "dnothere"]
    spec = DeviceSearch(device_ids=wanted, sort="name", include_decommissioned=True)
    assert [d.name for d in devices.search(org, spec, None)] == ["a", "c", "z"]
    narrowed = DeviceSearch(device_ids=wanted, sort="name")
    assert [d.name for d in devices.search(org, narrowed, None)] == ["a", "c"]


@pytest.mark.parametrize(
    ("sort", "descending"), [("name", False), ("created_at", True), ("id", False)]
)
def test_keyset_pages_cover_every_device_once(database, org, sort, descending):
    devices = MongoDeviceRepository(database[COLLECTION])
    devices.add([make_device(org, f"n{i:02d}", seconds=i // 3) for i in range(10)])
    spec = DeviceSearch(sort=sort, descending=descending, limit=3)
    seen, after = [], None
    while page := devices.search(org, spec, after):
        seen += page
        after = spec.read_cursor(spec.cursor_after(page[-1]))
    assert len(seen) == 10
    assert [spec.sort_key(d) for d in seen] == sorted(map(spec.sort_key, seen), reverse=descending)


def test_device_types_round_trip_with_their_schema(database, org):
    types = MongoDeviceTypeRepository(database[TYPES])
    thermo = DeviceType.model_validate({
        "id": "thermo", "org_id": org, "name": "T", "firmware_family": "fw", "created_at": T0,
        "config_schema": {"type": "object", "additionalProperties": True,
                          "properties": {"n": {"type": "integer", "maxLength": 3}}},
        "default_config": {"n": 1}, "metrics": [{"name": "t", "unit": "degC"}],
        "templates": {"fast": {"n": 2}},
    })  # fmt: skip
    types.add(thermo)
    assert types.get(org, "thermo") == thermo
    assert types.list(org) == [thermo]
    assert types.get("someoneelse", "thermo") is None
    with pytest.raises(AlreadyExistsError):
        types.add(thermo)
    renamed = thermo.model_copy(update={"name": "T2"})
    assert types.replace(renamed)
    assert types.get(org, "thermo") == renamed
    assert not types.replace(renamed.model_copy(update={"org_id": "someoneelse"}))


def test_shadow_sides_are_saved_only_from_the_version_they_were_computed_from(database, org):
    shadows = MongoShadowRepository(database[SHADOWS], database[REVISIONS])
    shadow = Shadow(org_id=org, device_id=f"d{org}", desired={"a": {"b": 1}}, desired_version=1)
    shadows.add([shadow])
    newer = shadow.model_copy(update={"desired": {"a": 2}, "desired_version": 2, "desired_at": T0})
    assert shadows.save(newer, "desired", 1)
    assert not shadows.save(newer, "desired", 1)
    reported = newer.model_copy(
        update={"reported": {"a": 1}, "reported_version": 3, "reported_at": T0}
    )
    assert shadows.save(reported, "reported", 0)
    assert shadows.get(org, shadow.device_id) == reported
    assert shadows.get("someoneelse", shadow.device_id) is None


def test_revisions_are_kept_once_newest_first(database, org):
    shadows = MongoShadowRepository(database[SHADOWS], database[REVISIONS])
    device_id = f"d{org}"
    for version in (1, 2, 2):
        shadows.add_revision(ShadowRevision(
            org_id=org, device_id=device_id, side="desired", version=version,
            document={"v": version}, at=T0 + timedelta(seconds=version),
        ))  # fmt: skip
    shadows.add_revision(ShadowRevision(org_id=org, device_id=device_id, side="reported",
                                        version=1, document={}, at=T0))  # fmt: skip
    assert [r.version for r in shadows.history(org, device_id, "desired", 10)] == [2, 1]
    assert len(shadows.history(org, device_id, None, 10)) == 3
    assert shadows.history("someoneelse", device_id, None, 10) == []


def make_command(org, key=None, ttl_s=60, seconds=0, state=CommandState.CREATED):
    at = T0 + timedelta(seconds=seconds)
    return Command(id=uuid.uuid4().hex, org_id=org, device_id="dev-1", name="reboot",
                   parameters={"n": [1, {"x": True}]}, ttl_s=ttl_s, idempotency_key=key,
                   state=state, created_at=at, updated_at=at)  # fmt: skip


def test_commands_idempotency_conditional_moves_and_queries(database, org):
    commands = MongoCommandRepository(database[COMMANDS])
    first = make_command(org, key="k1")
    commands.add(first)
    commands.add(make_command(org, seconds=1))
    commands.add(make_command(org, seconds=2))  # two commands without a key coexist
    with pytest.raises(AlreadyExistsError):
        commands.add(make_command(org, key="k1"))
    commands.add(make_command(uuid.uuid4().hex[:12], key="k1"))  # another organization's k1
    assert commands.get_by_key(org, "k1") == first
    assert commands.get("someoneelse", first.id) is None
    assert [c.created_at for c in commands.waiting(org, "dev-1")] == [
        T0,
        T0 + timedelta(seconds=1),
        T0 + timedelta(seconds=2),
    ]
    sent = first.move_to(CommandState.SENT, T0)
    assert commands.move(sent, CommandState.CREATED)
    assert not commands.move(sent, CommandState.CREATED)
    done = sent.move_to(CommandState.SUCCEEDED, T0, result={"ok": 1})
    assert commands.move(done, CommandState.SENT)
    assert commands.get(org, first.id) == done
    assert len(commands.list(org, "dev-1", 10)) == 3


def test_many_commands_are_read_at_once_and_only_from_their_organization(database, org):
    commands = MongoCommandRepository(database[COMMANDS])
    mine = [make_command(org, seconds=i) for i in range(3)]
    theirs = make_command(uuid.uuid4().hex[:12])
    for command in [*mine, theirs]:
        commands.add(command)
    wanted = [mine[2].id, theirs.id, "cnothere", mine[0].id, mine[2].id]
    found = commands.get_many(org, wanted)
    assert sorted(found, key=lambda c: c.id) == sorted([mine[0], mine[2]], key=lambda c: c.id)
    assert commands.get_many(org, []) == []


def test_overdue_finds_open_commands_past_their_ttl(database, org):
    commands = MongoCommandRepository(database[COMMANDS])
    late = make_command(org, ttl_s=1)
    done = make_command(org, ttl_s=1, state=CommandState.SUCCEEDED)
    fresh = make_command(org, ttl_s=3600)
    for command in (late, done, fresh):
        commands.add(command)
    overdue = commands.overdue(T0 + timedelta(seconds=2), 10_000)
    ids = {c.id for c in overdue}
    assert late.id in ids
    assert not ids & {done.id, fresh.id}


def test_a_serial_is_claimed_once_and_released_only_by_its_device(database, org):
    claims = MongoClaimRepository(database[CLAIMS])
    serial = f"SN-{org}"
    claims.allow([AllowedSerial(serial=serial, org_id=org, device_type="thermo")])
    with pytest.raises(AlreadyExistsError):
        claims.allow([AllowedSerial(serial=f"{serial}-2", org_id=org, device_type="t"),
                      AllowedSerial(serial=serial, org_id=org, device_type="t")])  # fmt: skip
    assert claims.get(f"{serial}-2") is None
    assert claims.claim(serial, "d1", "key1", T0)
    assert not claims.claim(serial, "d2", "key2", T0)
    claims.release(serial, "d2")
    assert (claims.get(serial).device_id, claims.get(serial).claim_key) == ("d1", "key1")
    claims.release(serial, "d1")
    assert claims.get(serial).claim_key is None
    assert claims.claim(serial, "d3", "key3", T0)
    assert claims.get(serial).device_id == "d3"


def test_concurrent_claims_of_one_serial_bind_it_once(database, org):
    claims = MongoClaimRepository(database[CLAIMS])
    serial = f"SN-race-{org}"
    claims.allow([AllowedSerial(serial=serial, org_id=org, device_type="thermo")])
    with ThreadPoolExecutor(max_workers=8) as pool:
        won = list(pool.map(lambda i: claims.claim(serial, f"d{i}", f"key{i}", T0), range(16)))
    assert won.count(True) == 1
    assert claims.get(serial).device_id == f"d{won.index(True)}"


def test_concurrent_moves_of_one_command_succeed_once(database, org):
    commands = MongoCommandRepository(database[COMMANDS])
    command = make_command(org)
    commands.add(command)
    sent = command.move_to(CommandState.SENT, T0)
    with ThreadPoolExecutor(max_workers=8) as pool:
        moved = list(pool.map(lambda _: commands.move(sent, CommandState.CREATED), range(16)))
    assert moved.count(True) == 1


def test_concurrent_device_saves_of_one_revision_succeed_once(database, org):
    devices = MongoDeviceRepository(database[COLLECTION])
    device = make_device(org, "a")
    devices.add([device])
    with ThreadPoolExecutor(max_workers=8) as pool:
        saved = list(
            pool.map(
                lambda i: devices.save(device.model_copy(update={"tags": [f"t{i}"]})), range(16)
            )
        )
    winners = [s for s in saved if s is not None]
    assert len(winners) == 1
    assert devices.get(org, device.id) == winners[0]
