from dataclasses import replace

import pytest

from iotsphere.domain.devices import topics
from iotsphere.domain.devices.commands import Command, CommandState
from iotsphere.domain.devices.messages import (
    BulkCommand,
    CommandMessage,
    CommandResultMessage,
    NewCommand,
    StatusMessage,
)
from iotsphere.domain.devices.targets import DeviceTarget
from iotsphere.services.devices.commands import (
    MAX_LISTED,
    _device_key,
    expire_overdue,
    get_command,
    get_commands,
    record_result,
    send_command,
    send_to_target,
)
from iotsphere.services.devices.connections import record_status
from iotsphere.services.devices.errors import ConflictError, InvalidInputError, NotFoundError
from iotsphere.services.devices.onboarding import decommission_device
from tests.unit.devices.builders import ORG, OTHER_ORG, onboard


def commands_sent(ports):
    """What went to the devices' command topics (a birth may also send configuration)."""
    return [sent for sent in ports.channel.published if "/commands/" in sent[0]]


S = CommandState


@pytest.fixture
def device_id(ports):
    return onboard(ports).device_id


def connect(ports, device_id, session="s1"):
    record_status(device_id, StatusMessage(state="online", session=session), ports.clock(), ports)


def disconnect(ports, device_id, session="s1"):
    record_status(device_id, StatusMessage(state="offline", session=session), ports.clock(), ports)


def result(command_id, status, **fields):
    return CommandResultMessage(command_id=command_id, status=status, **fields)


def test_a_command_to_an_online_device_is_sent_at_once(ports, device_id):
    connect(ports, device_id)
    command = send_command(
        ORG, device_id, NewCommand(name="reboot", parameters={"delay": 1}), ports
    )
    assert command.state is S.SENT
    (payload,) = ports.channel.on(topics.command(device_id, command.id))
    message = CommandMessage.model_validate_json(payload)
    assert (message.name, message.parameters, message.expires_at) == (
        "reboot",
        {"delay": 1},
        command.expires_at,
    )
    assert get_command(ORG, command.id, ports).state is S.SENT


def test_a_command_to_an_offline_device_waits_until_it_connects(ports, device_id):
    first = send_command(ORG, device_id, NewCommand(name="a"), ports)
    second = send_command(ORG, device_id, NewCommand(name="b"), ports)
    assert (first.state, second.state, commands_sent(ports)) == (S.CREATED, S.CREATED, [])
    ports.clock.advance(10)
    connect(ports, device_id)
    assert [t for t, _, _ in commands_sent(ports)] == [
        topics.command(device_id, first.id),
        topics.command(device_id, second.id),
    ]
    assert get_command(ORG, second.id, ports).state is S.SENT


def test_a_waiting_command_whose_ttl_passed_expires_instead_of_being_sent(ports, device_id):
    command = send_command(ORG, device_id, NewCommand(name="a", ttl_s=30), ports)
    ports.clock.advance(30)
    connect(ports, device_id)
    assert get_command(ORG, command.id, ports).state is S.EXPIRED
    assert commands_sent(ports) == []


def test_the_sweep_expires_unsent_and_times_out_unanswered_commands(ports, device_id):
    waiting = send_command(ORG, device_id, NewCommand(name="a", ttl_s=30), ports)
    connect(ports, device_id)
    sent = send_command(ORG, device_id, NewCommand(name="b", ttl_s=30), ports)
    answered = send_command(ORG, device_id, NewCommand(name="c", ttl_s=30), ports)
    record_result(device_id, result(answered.id, "succeeded"), ports.clock(), ports)
    ports.clock.advance(29)
    assert expire_overdue(ports) == 0
    ports.clock.advance(1)
    assert expire_overdue(ports) == 2
    states = [get_command(ORG, c.id, ports).state for c in (waiting, sent, answered)]
    assert states == [S.TIMED_OUT, S.TIMED_OUT, S.SUCCEEDED]  # waiting was sent on connect
    assert expire_overdue(ports) == 0


def test_an_unsent_command_past_its_ttl_expires_in_the_sweep(ports, device_id):
    command = send_command(ORG, device_id, NewCommand(name="a", ttl_s=30), ports)
    ports.clock.advance(31)
    assert expire_overdue(ports) == 1
    assert get_command(ORG, command.id, ports).state is S.EXPIRED


def test_the_same_idempotency_key_never_runs_twice(ports, device_id):
    connect(ports, device_id)
    body = NewCommand(name="reboot", idempotency_key="k1")
    first = send_command(ORG, device_id, body, ports)
    again = send_command(ORG, device_id, body, ports)
    assert again.id == first.id
    assert len(commands_sent(ports)) == 1
    with pytest.raises(ConflictError, match="was used for another command"):
        send_command(ORG, device_id, NewCommand(name="other", idempotency_key="k1"), ports)


def test_an_idempotency_key_is_scoped_to_the_organization(ports, device_id):
    other = onboard(ports, name="o", org=OTHER_ORG).device_id
    mine = send_command(ORG, device_id, NewCommand(name="a", idempotency_key="k"), ports)
    theirs = send_command(OTHER_ORG, other, NewCommand(name="a", idempotency_key="k"), ports)
    assert mine.id != theirs.id


class RacingCommands:
    """Another request with the same key inserts between our lookup and our insert."""

    def __init__(self, inner, rival):
        self.inner, self.rival = inner, rival

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def add(self, command):
        if self.rival is not None:
            self.inner.add(self.rival.model_copy(update={"id": "rival0001"}))
            self.rival = None
        self.inner.add(command)


def test_a_racing_request_with_the_same_key_gets_the_winner(ports, device_id):
    rival = Command(
        id="x0000000", org_id=ORG, device_id=device_id, name="a", idempotency_key="k",
        created_at=ports.clock(), updated_at=ports.clock(),
    )  # fmt: skip
    raced = replace(ports, commands=RacingCommands(ports.commands, rival))
    got = send_command(ORG, device_id, NewCommand(name="a", idempotency_key="k"), raced)
    assert got.id == "rival0001"
    assert len(ports.commands.rows) == 1


def test_results_move_the_command_and_late_or_repeated_ones_change_nothing(ports, device_id):
    connect(ports, device_id)
    command = send_command(ORG, device_id, NewCommand(name="a"), ports)
    at = ports.clock()
    assert record_result(device_id, result(command.id, "delivered"), at, ports).state is S.DELIVERED
    done = record_result(device_id, result(command.id, "succeeded", result={"ok": True}), at, ports)
    assert (done.state, done.result) == (S.SUCCEEDED, {"ok": True})
    assert record_result(device_id, result(command.id, "failed"), at, ports).state is S.SUCCEEDED
    assert record_result(device_id, result(command.id, "delivered"), at, ports).state is S.SUCCEEDED


def test_a_device_may_reject_a_command(ports, device_id):
    connect(ports, device_id)
    command = send_command(ORG, device_id, NewCommand(name="a"), ports)
    rejected = record_result(
        device_id, result(command.id, "rejected", detail="busy"), ports.clock(), ports
    )
    assert (rejected.state, rejected.detail) == (S.REJECTED, "busy")


def test_an_answer_that_overtakes_the_sent_mark_still_counts(ports, device_id):
    command = send_command(ORG, device_id, NewCommand(name="a"), ports)
    assert command.state is S.CREATED
    done = record_result(device_id, result(command.id, "succeeded"), ports.clock(), ports)
    assert done.state is S.SUCCEEDED


def test_a_device_cannot_answer_for_another_devices_command(ports, device_id):
    intruder = onboard(ports, name="intruder").device_id
    connect(ports, device_id)
    command = send_command(ORG, device_id, NewCommand(name="a"), ports)
    assert record_result(intruder, result(command.id, "succeeded"), ports.clock(), ports) is None
    assert get_command(ORG, command.id, ports).state is S.SENT


def test_commands_to_missing_foreign_or_decommissioned_devices_are_refused(ports, device_id):
    with pytest.raises(NotFoundError):
        send_command(OTHER_ORG, device_id, NewCommand(name="a"), ports)
    decommission_device(ORG, device_id, ports)
    with pytest.raises(InvalidInputError, match="decommissioned"):
        send_command(ORG, device_id, NewCommand(name="a"), ports)
    assert ports.commands.rows == {}


def test_a_failed_publish_leaves_the_command_waiting_for_the_next_connection(ports, device_id):
    connect(ports, device_id)
    ports.channel.down = True
    with pytest.raises(Exception, match="down"):
        send_command(ORG, device_id, NewCommand(name="a"), ports)
    (command,) = ports.commands.rows.values()
    assert command.state is S.CREATED
    ports.channel.down = False
    disconnect(ports, device_id)
    connect(ports, device_id, "s2")
    assert get_command(ORG, command.id, ports).state is S.SENT


class ConnectsWhileStoring:
    """The device's birth is handled between the status check and the insert of the command."""

    def __init__(self, inner, on_add):
        self.inner, self.on_add = inner, on_add

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def add(self, command):
        self.on_add()
        self.inner.add(command)


def test_a_device_that_connects_while_a_command_is_stored_still_gets_it(ports, device_id):
    raced = replace(
        ports, commands=ConnectsWhileStoring(ports.commands, lambda: connect(ports, device_id))
    )
    command = send_command(ORG, device_id, NewCommand(name="a"), raced)
    assert command.state is S.SENT
    assert len(ports.channel.on(topics.command(device_id, command.id))) == 1


def test_a_bulk_command_reaches_each_device_once_and_a_retry_sends_nothing_twice(ports, device_id):
    other = onboard(ports, name="other", groups=["g"]).device_id
    retired = onboard(ports, name="retired", groups=["g"]).device_id
    decommission_device(ORG, retired, ports)
    connect(ports, device_id)
    body = BulkCommand(
        target=DeviceTarget(device_ids=[device_id, "dnothere"], groups=["g"]),
        command=NewCommand(name="reboot", idempotency_key="wave-1"),
    )
    first = send_to_target(ORG, body, ports)
    assert sorted((o.device_id, o.outcome, o.state) for o in first) == sorted(
        [
            (device_id, "created", S.SENT),
            (other, "created", S.CREATED),
            ("dnothere", "not_found", None),
        ]
    )
    again = send_to_target(ORG, body, ports)
    assert {o.command_id for o in again} == {o.command_id for o in first}
    assert len(ports.commands.rows) == 2
    assert len(commands_sent(ports)) == 1


def test_a_bulk_command_refused_for_one_device_still_goes_to_the_others(ports, device_id):
    other = onboard(ports, name="other", groups=["g"]).device_id
    key = "k"
    taken = NewCommand(name="other", idempotency_key=_device_key(key, other))
    send_command(ORG, other, taken, ports)
    body = BulkCommand(
        target=DeviceTarget(device_ids=[device_id, other]),
        command=NewCommand(name="reboot", idempotency_key=key),
    )
    outcomes = {o.device_id: o.outcome for o in send_to_target(ORG, body, ports)}
    assert outcomes == {device_id: "created", other: "refused"}


def test_many_commands_are_read_in_the_order_asked_from_the_callers_organization(ports, device_id):
    sent = [send_command(ORG, device_id, NewCommand(name=f"c{i}"), ports) for i in range(3)]
    theirs = onboard(ports, "t-other", org=OTHER_ORG).device_id
    other = send_command(OTHER_ORG, theirs, NewCommand(name="x"), ports)
    asked = [sent[2].id, other.id, sent[0].id, sent[2].id, "nothere1"]
    assert [c.name for c in get_commands(ORG, asked, ports)] == ["c2", "c0"]
    assert get_commands(ORG, [], ports) == []
    with pytest.raises(InvalidInputError, match="at most 200"):
        get_commands(ORG, [sent[0].id] * (MAX_LISTED + 1), ports)
