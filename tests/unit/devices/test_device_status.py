from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from iotsphere.domain.devices.device import (
    MAX_CONNECTION_HISTORY,
    ConnectionEvent,
    Device,
    DeviceStatus,
)
from iotsphere.domain.devices.errors import IllegalTransitionError

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
S = DeviceStatus


def device(**changes) -> Device:
    base = {
        "id": "dev-0001",
        "org_id": "org1",
        "name": "pump 1",
        "device_type": "pump",
        "created_at": T0,
        "status_changed_at": T0,
    }
    return Device(**base | changes)


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.PROVISIONED, S.VERIFIED),
        (S.VERIFIED, S.ONLINE),
        (S.VERIFIED, S.OFFLINE),
        (S.ONLINE, S.OFFLINE),
        (S.OFFLINE, S.ONLINE),
        *[(s, S.DECOMMISSIONED) for s in S if s is not S.DECOMMISSIONED],
    ],
)
def test_legal_moves(start, target):
    assert device(status=start).move_to(target, at(1)).status is target


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.PROVISIONED, S.ONLINE),
        (S.PROVISIONED, S.OFFLINE),
        (S.ONLINE, S.VERIFIED),
        (S.OFFLINE, S.PROVISIONED),
        (S.ONLINE, S.ONLINE),
        *[(S.DECOMMISSIONED, s) for s in S],
    ],
)
def test_illegal_moves_raise(start, target):
    with pytest.raises(IllegalTransitionError, match=f"from {start} to {target}"):
        device(status=start).move_to(target, at(1))


def test_first_birth_verifies_then_brings_online_and_sets_first_and_last_seen():
    seen = device().record_connection(ConnectionEvent(kind="online", at=at(5), session="a"))
    assert seen.status is S.ONLINE
    assert (seen.first_seen, seen.last_seen, seen.status_changed_at) == (at(5), at(5), at(5))


def test_last_will_takes_it_offline_and_a_new_birth_online_again():
    d = device().record_connection(ConnectionEvent(kind="online", at=at(5), session="a"))
    d = d.record_connection(ConnectionEvent(kind="offline", at=at(9), session="a"))
    assert d.status is S.OFFLINE
    d = d.record_connection(ConnectionEvent(kind="online", at=at(12), session="b"))
    assert d.status is S.ONLINE
    assert [e.kind for e in d.connection_history] == ["online", "offline", "online"]
    assert (d.first_seen, d.last_seen) == (at(5), at(12))


def test_a_late_last_will_of_an_old_session_is_kept_in_history_but_changes_no_status():
    d = device().record_connection(ConnectionEvent(kind="online", at=at(20), session="b"))
    late = d.record_connection(ConnectionEvent(kind="offline", at=at(10), session="a"))
    assert late.status is S.ONLINE
    assert [e.session for e in late.connection_history] == ["a", "b"]


def test_a_redelivered_event_is_applied_once():
    event = ConnectionEvent(kind="online", at=at(5), session="a")
    once = device().record_connection(event)
    assert once.record_connection(event) == once


def test_an_offline_before_any_birth_leaves_a_provisioned_device_unverified():
    d = device().record_connection(ConnectionEvent(kind="offline", at=at(5)))
    assert d.status is S.PROVISIONED


def test_history_keeps_the_newest_events_only():
    d = device()
    for i in range(MAX_CONNECTION_HISTORY + 5):
        d = d.record_connection(ConnectionEvent(kind="online", at=at(i + 1), session=str(i)))
    assert len(d.connection_history) == MAX_CONNECTION_HISTORY
    assert d.connection_history[0].session == "5"


def test_a_decommissioned_device_refuses_connection_events():
    d = device(status=S.DECOMMISSIONED)
    with pytest.raises(IllegalTransitionError):
        d.record_connection(ConnectionEvent(kind="online", at=at(1)))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "Dev/1"),
        ("id", "d+"),
        ("id", "ab"),
        ("org_id", "Org-1"),
        ("tags", ["ok", "not ok"]),
        ("metadata", {"$where": "x"}),
        ("metadata", {"a.b": "x"}),
        ("name", "  "),
    ],
)
def test_fields_that_could_escape_a_topic_or_a_query_are_refused(field, value):
    with pytest.raises(ValidationError):
        device(**{field: value})


def test_tags_and_groups_are_kept_unique_and_sorted():
    assert device(tags=["b", "a", "b"]).tags == ["a", "b"]


def test_the_first_birth_counts_even_if_stamped_before_the_device_was_created():
    d = device().record_connection(ConnectionEvent(kind="online", at=at(-3), session="a"))
    assert d.status is S.ONLINE
