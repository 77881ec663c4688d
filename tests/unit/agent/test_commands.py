"""Commands: delivered, then the handler's answer; at most once per command id."""

from datetime import timedelta

import pytest

from iotsphere.agent import AgentHandlers, CommandRejectedError, DeviceAgent, InMemory
from iotsphere.agent.commands import INTERRUPTED
from tests.unit.agent.fakes import DEVICE, NOW, Clock, FakeTransport, package


def command(command_id: str, name: str = "reboot", ttl_s: int = 60, **parameters):
    return {
        "version": 1,
        "command_id": command_id,
        "name": name,
        "parameters": parameters,
        "expires_at": (NOW + timedelta(seconds=ttl_s)).isoformat(),
    }


class Device:
    def __init__(self, memory=None, reboot=None):
        self.runs: list[dict] = []
        self.clock = Clock()
        self.transport = FakeTransport()
        handlers = {
            "reboot": reboot or self.reboot,
            "calibrate": self.calibrate,
            "explode": lambda _p: 1 / 0,
        }
        agent = DeviceAgent(
            package(), self.transport, AgentHandlers(commands=handlers), "1.0.0",
            memory=memory, clock=self.clock,
        )  # fmt: skip
        agent.start()
        self.transport.clear()

    def reboot(self, parameters):
        self.runs.append(parameters)
        return {"uptime_s": 0}

    def calibrate(self, parameters):
        raise CommandRejectedError("busy measuring")

    def send(self, message):
        self.transport.deliver(f"devices/{DEVICE}/commands/{message['command_id']}", message)

    def results(self):
        return [(r["command_id"], r["status"]) for r in self.transport.on("/result")]


@pytest.fixture
def device():
    return Device()


def test_a_command_is_acknowledged_run_and_answered_with_its_result(device):
    device.send(command("cmd00001", delay=3))
    assert device.runs == [{"delay": 3}]
    assert device.results() == [("cmd00001", "delivered"), ("cmd00001", "succeeded")]
    assert device.transport.on("/result")[-1]["result"] == {"uptime_s": 0}
    assert device.transport.sent[-1].topic == f"devices/{DEVICE}/commands/cmd00001/result"


def test_a_redelivered_command_is_answered_again_and_never_run_twice(device):
    device.send(command("cmd00001"))
    device.send(command("cmd00001"))
    assert len(device.runs) == 1
    assert device.results()[-1] == ("cmd00001", "succeeded")
    assert len(device.results()) == 3


def test_unknown_expired_and_refused_commands_are_rejected_without_running(device):
    device.send(command("cmd00001", name="selfdestruct"))
    device.clock.advance(61)
    device.send(command("cmd00002"))
    device.send(command("cmd00003", name="calibrate", ttl_s=3600))
    assert device.runs == []
    statuses = [r["status"] for r in device.transport.on("/result")]
    assert statuses == ["rejected", "rejected", "delivered", "rejected"]
    details = [r["detail"] for r in device.transport.on("/result") if r["status"] == "rejected"]
    assert "unknown command 'selfdestruct'" in details[0]
    assert "expired" in details[1]
    assert details[2] == "busy measuring"


def test_a_handler_that_breaks_fails_the_command_not_the_agent(device):
    device.send(command("cmd00001", name="explode"))
    device.send(command("cmd00002"))
    assert device.results() == [
        ("cmd00001", "delivered"), ("cmd00001", "failed"),
        ("cmd00002", "delivered"), ("cmd00002", "succeeded"),
    ]  # fmt: skip
    assert "ZeroDivisionError" in device.transport.on("/result")[1]["detail"]


def test_a_command_interrupted_by_a_restart_is_failed_when_redelivered_not_run_again():
    memory = InMemory()

    def die(_parameters):
        raise SystemExit  # the device dies inside the handler

    with pytest.raises(SystemExit):
        Device(memory, reboot=die).send(command("cmd00001"))
    second = Device(memory)
    second.send(command("cmd00001"))
    assert second.runs == []
    assert second.results() == [("cmd00001", "failed")]
    assert second.transport.on("/result")[0]["detail"] == INTERRUPTED


def test_a_command_on_another_commands_topic_is_dropped(device):
    device.transport.deliver(f"devices/{DEVICE}/commands/cmd00009", command("cmd00001"))
    assert device.runs == []
    assert device.transport.sent == []
