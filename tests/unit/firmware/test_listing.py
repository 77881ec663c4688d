from datetime import timedelta

import pytest

from iotsphere.domain.firmware.progress import ProgressState
from iotsphere.domain.firmware.release import Release
from iotsphere.domain.firmware.rollout import RolloutState
from iotsphere.services.firmware.errors import InvalidCursorError, RolloutNotFoundError
from iotsphere.services.firmware.listing import (
    ReleaseQuery,
    RolloutDeviceQuery,
    RolloutQuery,
    list_releases,
    list_rollout_devices,
    list_rollouts,
)
from iotsphere.services.firmware.rollouts import pause_rollout
from tests.unit.firmware.factories import NOW, KeyPair, manifest
from tests.unit.firmware.fakes import FakeReleases
from tests.unit.firmware.scenario import RELEASE, start

KEY = KeyPair()


def release(number: int, org_id: str = "acme", family: str = "pump-v2") -> Release:
    made = manifest(
        release_id=f"rel-{number:024x}",
        org_id=org_id,
        firmware_family=family,
        version=f"1.{number}.0",
        created_at=NOW - timedelta(hours=10 - number),
    )
    return Release.of(made, KEY.sign(made))


@pytest.fixture
def releases() -> FakeReleases:
    store = FakeReleases()
    for number in range(5):
        store.add(release(number))
    store.add(release(5, family="valve-v1"))
    store.add(release(6, org_id="globex"))
    return store


def ids(page) -> list[str]:
    return [item.release_id for item in page.items]


def test_releases_come_newest_first_a_page_at_a_time_and_only_the_callers(releases):
    first = list_releases("acme", ReleaseQuery(limit=4), releases)
    assert ids(first) == [f"rel-{n:024x}" for n in (5, 4, 3, 2)]
    second = list_releases("acme", ReleaseQuery(limit=4, cursor=first.next_cursor), releases)
    assert ids(second) == [f"rel-{n:024x}" for n in (1, 0)]
    assert second.next_cursor is None


def test_releases_filter_by_firmware_family(releases):
    page = list_releases("acme", ReleaseQuery(firmware_family="valve-v1"), releases)
    assert ids(page) == [f"rel-{5:024x}"]


def test_a_cursor_from_another_listing_is_refused(releases):
    with pytest.raises(InvalidCursorError):
        list_releases("acme", ReleaseQuery(cursor=f"rel-{6:024x}"), releases)


def test_rollouts_filter_by_state_and_devices_page_by_id(ports):
    start(ports, device_ids=["pump-000", "pump-001", "pump-002"])
    pause_rollout("acme", "ro-1", ports, NOW)
    assert [r.rollout_id for r in list_rollouts("acme", RolloutQuery(), ports.rollouts).items] == [
        "ro-1"
    ]
    running = list_rollouts("acme", RolloutQuery(state=RolloutState.RUNNING), ports.rollouts)
    assert running.items == []
    assert list_rollouts("globex", RolloutQuery(), ports.rollouts).items == []

    first = list_rollout_devices("acme", "ro-1", RolloutDeviceQuery(limit=2), ports.rollouts)
    assert [d.device_id for d in first.items] == ["pump-000", "pump-001"]
    rest = RolloutDeviceQuery(limit=2, cursor=first.next_cursor)
    assert [
        d.device_id for d in list_rollout_devices("acme", "ro-1", rest, ports.rollouts).items
    ] == ["pump-002"]
    offered = RolloutDeviceQuery(state=ProgressState.OFFERED)
    assert len(list_rollout_devices("acme", "ro-1", offered, ports.rollouts).items) == 1


def test_rollouts_filter_by_release(ports):
    start(ports, device_ids=["pump-000"])
    # the scenario's release has a short id the HTTP pattern would refuse
    by_release = RolloutQuery.model_construct(release_id=RELEASE.release_id)
    mine = list_rollouts("acme", by_release, ports.rollouts)
    assert [r.rollout_id for r in mine.items] == ["ro-1"]
    other = RolloutQuery(release_id="rel-" + "0" * 24)
    assert list_rollouts("acme", other, ports.rollouts).items == []
    assert list_rollouts("globex", by_release, ports.rollouts).items == []


def test_another_organizations_rollout_devices_are_not_found(ports):
    start(ports, device_ids=["pump-000"])
    with pytest.raises(RolloutNotFoundError):
        list_rollout_devices("globex", "ro-1", RolloutDeviceQuery(), ports.rollouts)
