import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from iotsphere.domain.devices import topics
from iotsphere.domain.devices.claim_sealing import public_key_of
from iotsphere.domain.devices.commands import CommandState
from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.domain.devices.messages import DeviceEvent, NewCommand
from iotsphere.services.devices.claims import allow_serials
from iotsphere.services.devices.commands import get_command, send_command
from iotsphere.services.devices.configuration import get_shadow
from iotsphere.services.devices.device_events import DeviceBirth, handle_device_event
from iotsphere.services.devices.registry import get_device
from tests.unit.devices.builders import ORG, onboard

CLAIM_KEY = public_key_of(X25519PrivateKey.generate())
RECEIVED_MS = 1_795_748_400_000  # 2026-11-27T03:00:00Z, the fake clock


def event(topic, payload):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return DeviceEvent(topic=topic, received_ms=RECEIVED_MS, payload=body)


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("devices/d1/status", ("status", "d1", None)),
        ("devices/d1/config/reported", ("reported", "d1", None)),
        ("devices/d1/commands/c1/result", ("command_result", "d1", "c1")),
        ("provisioning/claims/SN-1", ("claim", "SN-1", None)),
        ("devices/d1/telemetry", None),
        ("devices/d1/config/desired", None),
        ("devices/+/status", None),
        ("devices/d1/commands/c1", None),
        ("provisioning/claims/SN-1/response", None),
    ],
)
def test_inbound_topics(topic, expected):
    parsed = topics.parse_inbound(topic)
    got = None if parsed is None else (parsed.kind, parsed.subject, parsed.command_id)
    assert got == expected


def test_a_birth_then_a_report_then_a_result_are_each_applied(ports):
    device_id = onboard(ports).device_id
    command = send_command(ORG, device_id, NewCommand(name="a"), ports)
    birth = event(topics.status(device_id), {"version": 1, "state": "online", "session": "s"})
    assert handle_device_event(birth, ports).outcome == "handled"
    assert get_device(ORG, device_id, ports).status is DeviceStatus.ONLINE
    report = event(topics.reported_config(device_id), {"reported_version": 1, "state": {"a": 1}})
    assert handle_device_event(report, ports).outcome == "handled"
    assert handle_device_event(report, ports).outcome == "ignored"
    assert get_shadow(ORG, device_id, ports).reported == {"a": 1}
    done = {"command_id": command.id, "status": "succeeded"}
    assert (
        handle_device_event(
            event(topics.command_result(device_id, command.id), done), ports
        ).outcome
        == "handled"
    )
    assert get_command(ORG, command.id, ports).state is CommandState.SUCCEEDED


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        ("devices/d1/status", "{not json", "status: payload: Invalid JSON"),
        ("devices/d1/status", {"state": "maybe", "session": "s"}, "status: state: Input should be"),
        (
            "devices/d1/config/reported",
            {"reported_version": 0, "state": {}},
            "reported: reported_version",
        ),
        (
            "devices/d1/config/reported",
            {"reported_version": 1, "state": {"$set": 1}},
            "reported: state",
        ),
        (
            "devices/d1/commands/c0000001/result",
            {"command_id": "c0000002", "status": "failed"},
            "command_id differs",
        ),
        (
            "provisioning/claims/SN-1",
            {"serial": "SN-2", "nonce": "n" * 16, "public_key": CLAIM_KEY},
            "serial differs",
        ),
        (
            "provisioning/claims/SN-1",
            {"serial": "SN-1", "nonce": "n" * 16, "public_key": CLAIM_KEY},
            "not on an allowlist",
        ),
        (
            "provisioning/claims/SN-1",
            {"serial": "SN-1", "nonce": "n" * 16, "public_key": "A" * 43},
            "not a usable X25519 key",
        ),
        ("devices/d1/telemetry", {}, "no handler for topic"),
    ],
)
def test_broken_messages_are_refused_with_the_reason(ports, topic, payload, reason):
    outcome = handle_device_event(event(topic, payload), ports)
    assert outcome.outcome == "refused"
    assert reason in outcome.reason


def test_messages_about_unknown_devices_are_ignored(ports):
    birth = event(topics.status("dnobody"), {"state": "online", "session": "s"})
    assert handle_device_event(birth, ports).outcome == "ignored"


def test_a_claim_over_the_queue_publishes_the_package(ports):
    allow_serials(ORG, "thermo", ["SN-1"], ports)
    body = {"serial": "SN-1", "nonce": "n" * 16, "public_key": CLAIM_KEY}
    assert (
        handle_device_event(event(topics.claim_request("SN-1"), body), ports).outcome == "handled"
    )
    assert len(ports.channel.on(topics.claim_response("SN-1"))) == 1
    other = body | {"public_key": public_key_of(X25519PrivateKey.generate())}
    assert (
        handle_device_event(event(topics.claim_request("SN-1"), other), ports).outcome == "refused"
    )
    assert len(ports.devices.rows) == 1


def test_a_retained_status_replayed_by_the_broker_changes_nothing(ports):
    device_id = onboard(ports).device_id
    birth = event(topics.status(device_id), {"state": "online", "session": "s"})
    replayed = birth.model_copy(update={"retained": True})
    assert handle_device_event(replayed, ports).outcome == "ignored"
    assert get_device(ORG, device_id, ports).status is DeviceStatus.PROVISIONED


def birth(device_id, session="s"):
    return event(topics.status(device_id), {"version": 1, "state": "online", "session": session})


def test_the_first_birth_sends_the_device_its_types_default_configuration(ports):
    device_id = onboard(ports).device_id
    assert ports.channel.on(topics.desired_config(device_id)) == []
    handle_device_event(birth(device_id), ports)
    (sent,) = ports.channel.on(topics.desired_config(device_id))
    assert json.loads(sent)["desired_version"] == 1
    assert json.loads(sent)["state"] == {"interval_s": 60, "mode": "eco"}
    assert ports.channel.published[-1][2] is True  # retained


def test_a_birth_sends_nothing_when_the_device_reported_what_is_desired(ports):
    device_id = onboard(ports).device_id
    handle_device_event(birth(device_id, "s1"), ports)
    report = {"reported_version": 1, "state": {"interval_s": 60, "mode": "eco"}}
    handle_device_event(event(topics.reported_config(device_id), report), ports)
    handle_device_event(
        event(topics.status(device_id), {"state": "offline", "session": "s1"}), ports
    )
    sent = len(ports.channel.on(topics.desired_config(device_id)))
    handle_device_event(
        event(topics.status(device_id), {"state": "online", "session": "s2"}).model_copy(
            update={"received_ms": RECEIVED_MS + 5000}
        ),
        ports,
    )
    assert get_device(ORG, device_id, ports).status is DeviceStatus.ONLINE
    assert len(ports.channel.on(topics.desired_config(device_id))) == sent


def test_a_fresh_birth_hands_over_who_came_back_and_what_it_runs(ports):
    """The steps after a birth (firmware offered again) take it from the outcome: no second parse
    of the status, no second registry read for the organization."""
    device_id = onboard(ports).device_id
    body = {"version": 1, "state": "online", "session": "s", "firmware_version": "1.4.2"}
    outcome = handle_device_event(event(topics.status(device_id), body), ports)
    assert outcome.outcome == "handled"
    assert outcome.birth == DeviceBirth(
        org_id=ORG,
        device_id=device_id,
        firmware_version="1.4.2",
        at=datetime.fromtimestamp(RECEIVED_MS / 1000, tz=UTC),
    )
    unversioned = handle_device_event(birth(device_id, "s2"), ports).birth
    assert unversioned is not None
    assert unversioned.firmware_version is None


def test_no_birth_is_handed_over_for_a_will_a_replay_a_stranger_or_another_message(ports):
    device_id = onboard(ports).device_id
    fresh = birth(device_id)
    will = event(topics.status(device_id), {"version": 1, "state": "offline", "session": "s"})
    report = event(topics.reported_config(device_id), {"reported_version": 1, "state": {"a": 1}})
    for message in (
        fresh.model_copy(update={"retained": True}),
        birth("dnobody"),
        will,
        report,
    ):
        assert handle_device_event(message, ports).birth is None
