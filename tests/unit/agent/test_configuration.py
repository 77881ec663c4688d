"""The desired configuration: newest version applied whole, the whole result reported."""

import pytest

from iotsphere.agent import AgentHandlers, ConfigRejectedError, DeviceAgent
from tests.unit.agent.fakes import DEVICE, FakeTransport, package

DESIRED = f"devices/{DEVICE}/config/desired"


def desired(version: int, **state):
    return {"version": 1, "desired_version": version, "state": state, "delta": state}


@pytest.fixture
def applied():
    return []


@pytest.fixture
def transport(applied):
    def apply(config):
        if config.get("rate") == "crash":
            raise RuntimeError("driver fault")
        if config.get("rate") == "bad":
            raise ConfigRejectedError("rate must be a number")
        applied.append(config)
        return {**config, "applied": True}

    fake = FakeTransport()
    DeviceAgent(package(), fake, AgentHandlers(config=apply), "1.0.0").start()
    fake.clear()
    return fake


def test_a_newer_desired_configuration_is_applied_and_reported_whole(transport, applied):
    transport.deliver(DESIRED, desired(3, rate=5, mode="eco"))
    (report,) = transport.on("/config/reported")
    assert applied == [{"rate": 5, "mode": "eco"}]
    assert report["state"] == {"rate": 5, "mode": "eco", "applied": True}
    assert report["applied_desired_version"] == 3
    assert report["reported_version"] == 2  # 1 was the report at connection


def test_the_same_or_an_older_version_again_changes_nothing(transport, applied):
    transport.deliver(DESIRED, desired(3, rate=5))
    transport.deliver(DESIRED, desired(3, rate=5))  # the retained copy on the next connection
    transport.deliver(DESIRED, desired(2, rate=1))
    assert applied == [{"rate": 5}]
    assert len(transport.on("/config/reported")) == 1


def test_a_refused_configuration_leaves_the_device_as_it_was_and_says_so(transport, applied):
    transport.deliver(DESIRED, desired(1, rate=5))
    transport.deliver(DESIRED, desired(2, rate="bad"))
    first, second = transport.on("/config/reported")
    assert second["state"] == first["state"]
    assert second["applied_desired_version"] == 1
    assert second["reported_version"] == first["reported_version"] + 1
    transport.deliver(DESIRED, desired(2, rate=7))  # refused before: not applied yet
    assert applied[-1] == {"rate": 7}


def test_a_handler_that_breaks_leaves_the_agent_working(transport, applied):
    transport.deliver(DESIRED, desired(1, rate="crash"))
    assert transport.sent == []
    transport.deliver(DESIRED, desired(2, rate=5))
    assert transport.on("/config/reported")[-1]["applied_desired_version"] == 2
