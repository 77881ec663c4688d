"""The firmware release and rollout stores against the test stack's MongoDB-wire server."""

import uuid
from datetime import timedelta

import pytest
from pymongo import MongoClient

from iotsphere.adapters import mongo_firmware_releases, mongo_firmware_rollouts
from iotsphere.adapters.mongo_firmware_releases import MongoReleaseStore
from iotsphere.adapters.mongo_firmware_rollouts import MongoRolloutStore
from iotsphere.domain.firmware.progress import DeviceProgress, ProgressState
from iotsphere.domain.firmware.refusals import RefusalCode
from iotsphere.domain.firmware.release import Release
from iotsphere.domain.firmware.rollout import HealthGate, Rollout, RolloutState, RolloutTarget
from iotsphere.domain.firmware.waves import WavePlan
from iotsphere.services.firmware.errors import (
    ReleaseConflictError,
    ReleaseNotFoundError,
    RolloutConflictError,
    RolloutNotFoundError,
    RolloutStateError,
)
from tests.unit.firmware.factories import NOW, KeyPair, manifest

pytestmark = pytest.mark.integration
P = ProgressState


@pytest.fixture
def database(settings):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    database = client[settings.mongo_database]
    for collection, keys, unique in (
        mongo_firmware_releases.INDEXES + mongo_firmware_rollouts.INDEXES
    ):
        database[collection].create_index(keys, unique=unique)
    yield database
    client.close()


@pytest.fixture
def releases(database):
    return MongoReleaseStore(database[mongo_firmware_releases.COLLECTION])


@pytest.fixture
def rollouts(database):
    return MongoRolloutStore(
        database[mongo_firmware_rollouts.ROLLOUTS], database[mongo_firmware_rollouts.DEVICES]
    )


def a_release(org_id: str, version: str = "1.3.0", release_id: str | None = None) -> Release:
    made = manifest(
        org_id=org_id, version=version, release_id=release_id or f"rel-{uuid.uuid4().hex[:12]}"
    )
    return Release.of(made, KeyPair().sign(made))


def test_a_release_round_trips_and_is_kept_once(releases):
    org = f"org{uuid.uuid4().hex[:8]}"
    release = a_release(org)
    assert releases.add(release) == release
    assert releases.add(release.model_copy(update={"key_id": "other"})) == release
    assert releases.get(org, release.release_id) == release
    assert releases.find(org) == [release]


def test_another_image_for_a_released_version_conflicts(releases):
    org = f"org{uuid.uuid4().hex[:8]}"
    releases.add(a_release(org))
    with pytest.raises(ReleaseConflictError):
        releases.add(a_release(org))
    assert len(releases.find(org)) == 1


def test_another_organizations_release_is_missing(releases):
    org = f"org{uuid.uuid4().hex[:8]}"
    release = releases.add(a_release(org))
    with pytest.raises(ReleaseNotFoundError):
        releases.get("someone-else", release.release_id)
    assert releases.find("someone-else") == []


def a_rollout(org: str, devices: list[str]) -> tuple[Rollout, list[DeviceProgress]]:
    rollout_id = f"ro-{uuid.uuid4().hex[:12]}"
    rollout = Rollout(
        rollout_id=rollout_id,
        org_id=org,
        release_id="rel-1",
        firmware_family="pump-v2",
        target=RolloutTarget(groups=["north"]),
        plan=WavePlan(sizes=[1]),
        gate=HealthGate(soak_time=timedelta(minutes=3)),
        wave_ends=[1, len(devices)],
        wave_started_at=NOW,
        created_at=NOW,
        updated_at=NOW,
    )
    progress = [
        DeviceProgress(
            org_id=org, rollout_id=rollout_id, device_id=d, wave=min(i, 1), updated_at=NOW
        )
        for i, d in enumerate(devices)
    ]
    return rollout, progress


def test_a_rollout_round_trips_and_saves_only_over_the_revision_it_read(rollouts):
    org = f"org{uuid.uuid4().hex[:8]}"
    rollout, progress = a_rollout(org, ["d1", "d2", "d3"])
    rollouts.create(rollout, progress)
    assert rollouts.get(org, rollout.rollout_id) == rollout
    paused = rollout.pause(NOW + timedelta(minutes=1))
    rollouts.save(paused, rollout.revision)
    with pytest.raises(RolloutStateError, match="changed meanwhile"):
        rollouts.save(rollout.cancel(NOW), rollout.revision)
    assert rollouts.get(org, rollout.rollout_id) == paused
    assert rollouts.find(org) == [paused]
    assert rollouts.find(org, RolloutState.RUNNING) == []
    assert rollouts.find(org, release_id="rel-1") == [paused]
    assert rollouts.find(org, RolloutState.PAUSED, release_id="rel-2") == []
    assert rollouts.find("someone-else", release_id="rel-1") == []
    assert rollout.rollout_id not in {r.rollout_id for r in rollouts.running()}


def test_device_progress_only_moves_forward_and_counts_per_wave(rollouts):
    org = f"org{uuid.uuid4().hex[:8]}"
    rollout, progress = a_rollout(org, ["d1", "d2", "d3"])
    rollouts.create(rollout, progress)
    rid = rollout.rollout_id
    assert sorted(rollouts.pending_devices(org, rid, 1, 10)) == ["d2", "d3"]
    assert rollouts.move(org, rid, ["d1", "d2", "d3"], P.OFFERED, NOW) == 3
    assert rollouts.move(org, rid, ["d1"], P.FAILED, NOW, RefusalCode.HASH_MISMATCH, "x") == 1
    assert rollouts.move(org, rid, ["d1"], P.FAILED, NOW) == 0
    assert rollouts.move(org, rid, ["d1"], P.HEALTHY, NOW) == 0
    assert rollouts.move(org, rid, ["d2"], P.HEALTHY, NOW) == 1
    assert rollouts.counts(org, rid) == {0: {P.FAILED: 1}, 1: {P.HEALTHY: 1, P.OFFERED: 1}}
    assert [p.device_id for p in rollouts.devices(org, rid, None, None, 2)] == ["d1", "d2"]
    assert [p.device_id for p in rollouts.devices(org, rid, None, "d2", 2)] == ["d3"]
    assert [p.device_id for p in rollouts.devices(org, rid, P.OFFERED, None, 9)] == ["d3"]
    failed = rollouts.device(org, rid, "d1")
    assert (failed.state, failed.code, failed.detail) == (P.FAILED, RefusalCode.HASH_MISMATCH, "x")


def test_a_devices_open_offers_are_those_it_has_not_finished_in_its_organization(rollouts):
    org = f"org{uuid.uuid4().hex[:8]}"
    first, progress = a_rollout(org, ["d1", "d2"])
    rollouts.create(first, progress)
    second, progress = a_rollout(org, ["d1"])
    rollouts.create(second, progress)
    assert rollouts.open_offers(org, "d1") == []
    rollouts.move(org, first.rollout_id, ["d1", "d2"], P.OFFERED, NOW)
    rollouts.move(org, second.rollout_id, ["d1"], P.OFFERED, NOW)
    rollouts.move(org, second.rollout_id, ["d1"], P.DOWNLOADING, NOW)
    assert rollouts.open_offers(org, "d1") == sorted([first.rollout_id, second.rollout_id])
    rollouts.move(org, first.rollout_id, ["d1"], P.HEALTHY, NOW)
    assert rollouts.open_offers(org, "d1") == [second.rollout_id]
    assert rollouts.open_offers(f"other{org}", "d1") == []


def test_another_organization_cannot_read_or_move_a_rollout(rollouts):
    org = f"org{uuid.uuid4().hex[:8]}"
    rollout, progress = a_rollout(org, ["d1", "d2"])
    rollouts.create(rollout, progress)
    with pytest.raises(RolloutNotFoundError):
        rollouts.get("someone-else", rollout.rollout_id)
    with pytest.raises(RolloutNotFoundError):
        rollouts.device("someone-else", rollout.rollout_id, "d1")
    with pytest.raises(RolloutNotFoundError):
        rollouts.save(rollout.pause(NOW).model_copy(update={"org_id": "someone-else"}), 0)
    assert rollouts.move("someone-else", rollout.rollout_id, ["d1"], P.OFFERED, NOW) == 0
    assert rollouts.counts("someone-else", rollout.rollout_id) == {}


def test_a_taken_rollout_id_is_a_conflict_that_changes_nothing(rollouts):
    org = f"org{uuid.uuid4().hex[:8]}"
    rollout, progress = a_rollout(org, ["d1", "d2"])
    rollouts.create(rollout, progress)
    rollouts.move(org, rollout.rollout_id, ["d1"], P.OFFERED, NOW)
    with pytest.raises(RolloutConflictError):
        rollouts.create(rollout, progress)
    assert rollouts.counts(org, rollout.rollout_id) == {0: {P.OFFERED: 1}, 1: {P.PENDING: 1}}


def test_the_sweep_passes_over_a_rollout_document_it_cannot_read(database, rollouts):
    org = f"org{uuid.uuid4().hex[:8]}"
    rollout, progress = a_rollout(org, ["d1"])
    rollouts.create(rollout, progress)
    unreadable = f"ro-{uuid.uuid4().hex[:12]}"
    database[mongo_firmware_rollouts.ROLLOUTS].insert_one(
        {"_id": unreadable, "org_id": org, "state": "running", "created_at": NOW}
    )
    running = {r.rollout_id for r in rollouts.running(limit=100_000)}
    assert rollout.rollout_id in running
    assert unreadable not in running
