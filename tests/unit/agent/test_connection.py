"""Connecting: last will, birth, the first report and the subscriptions; a clean stop."""

from iotsphere.agent import AgentHandlers, DeviceAgent, InMemory
from tests.unit.agent.fakes import DEVICE, FakeTransport, package


def started(transport: FakeTransport, memory: InMemory | None = None) -> DeviceAgent:
    agent = DeviceAgent(package(), transport, AgentHandlers(), "1.2.9", memory=memory)
    agent.start()
    return agent


def test_birth_and_last_will_are_retained_and_share_the_session():
    transport = FakeTransport()
    agent = started(transport)
    assert transport.will is not None
    assert (transport.will.topic, transport.will.retain) == (f"devices/{DEVICE}/status", True)
    birth = transport.sent[0]
    assert (birth.topic, birth.retain) == (f"devices/{DEVICE}/status", True)
    (online,) = transport.on("/status")
    assert online["state"] == "online"
    assert online["firmware_version"] == "1.2.9"
    assert '"offline"' in transport.will.payload
    assert agent.session in transport.will.payload
    assert online["session"] == agent.session


def test_after_the_birth_it_reports_its_configuration_and_subscribes_to_its_own_topics():
    transport = FakeTransport()
    started(transport)
    assert [m.topic for m in transport.sent] == [
        f"devices/{DEVICE}/status", f"devices/{DEVICE}/config/reported",
    ]  # fmt: skip
    assert transport.subscriptions == [
        f"devices/{DEVICE}/config/desired", f"devices/{DEVICE}/commands/+",
        f"devices/{DEVICE}/firmware/offer",
    ]  # fmt: skip


def test_every_reconnection_is_born_again_and_reports_under_a_higher_number():
    transport = FakeTransport()
    started(transport)
    transport.reconnect()
    assert [s["state"] for s in transport.on("/status")] == ["online", "online"]
    assert [r["reported_version"] for r in transport.on("/config/reported")] == [1, 2]


def test_a_restarted_agent_keeps_counting_its_reports_where_it_stopped():
    memory = InMemory()
    started(FakeTransport(), memory)
    transport = FakeTransport()
    started(transport, memory)
    assert transport.on("/config/reported")[0]["reported_version"] == 2


def test_stopping_says_offline_retained_before_disconnecting():
    transport = FakeTransport()
    agent = started(transport)
    transport.clear()
    agent.stop()
    (offline,) = transport.on("/status")
    assert (offline["state"], offline["reason"], offline["session"]) == (
        "offline", "shutdown", agent.session,
    )  # fmt: skip
    assert transport.sent[0].retain
    assert transport.stopped


def test_a_malformed_message_is_dropped_and_answers_nothing():
    transport = FakeTransport()
    started(transport)
    transport.clear()
    transport.deliver(f"devices/{DEVICE}/config/desired", b"{not json")
    transport.deliver(f"devices/{DEVICE}/commands/c1", {"version": 1, "name": "x"})
    assert transport.sent == []
