"""Simulated devices run the real device agent: own topics, configuration, commands, firmware."""

import argparse
import json
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.domain.firmware.errors import DownloadError
from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.simulator import main
from iotsphere.simulator.device_agents import AgentOptions, AgentPublisher, SimulatedAgent
from iotsphere.simulator.errors import SimulatorError
from iotsphere.simulator.firmware_slot import HEALTH_PROBLEM, SimulatedSlot, fails_health_check
from tests.unit.agent.fakes import DEVICE, FakeTransport, package
from tests.unit.firmware.factories import IMAGE, IMAGE_KEY, KeyPair, chunks, manifest

KEY = KeyPair()
OFFER_TOPIC = f"devices/{DEVICE}/firmware/offer"


def offer(**changes) -> FirmwareOffer:
    return FirmwareOffer(
        rollout_id="ro-1",
        release_id="rel-1",
        image_key=IMAGE_KEY,
        image_url="https://s3/image?sig",
        url_expires_at=datetime.now(UTC) + timedelta(minutes=15),
        signed=KEY.sign(manifest(**changes)),
    )


def simulated(fetch=lambda _url: chunks(IMAGE), failure_rate=0.0, version="1.2.9", reboot=False):
    options = AgentOptions(
        trusted=[KEY.trusted],
        firmware_version=version,
        firmware_failure_rate=failure_rate,
        fetch=fetch,
        reboot_after_update=reboot,
    )
    device = SimulatedAgent(package(), "pump-v2", options)
    transport = FakeTransport()
    device.start(transport)
    transport.clear()
    return device, transport


def firmware_states(transport):
    return [(r.get("state"), r.get("code")) for r in transport.on("/firmware/status")]


def deliver(transport, an_offer):
    transport.deliver(OFFER_TOPIC, json.loads(an_offer.model_dump_json()))


def test_a_good_offer_is_downloaded_verified_installed_and_committed():
    device, transport = simulated()
    deliver(transport, offer())
    assert firmware_states(transport) == [
        ("downloading", None),
        ("installed", None),
        ("healthy", None),
    ]
    assert (device.firmware_version, device.slot.written) == ("1.3.0", len(IMAGE))


def test_after_a_healthy_update_the_device_reboots_and_its_birth_carries_the_new_version():
    device, transport = simulated(reboot=True)
    deliver(transport, offer())
    assert device.rebooted.wait(10), "no reboot after the healthy report"
    assert transport.on("/firmware/status")[-1]["state"] == "healthy"
    births = [m for m in transport.on("/status") if m["state"] == "online"]
    assert births[-1]["firmware_version"] == "1.3.0"
    assert transport.on("/status")[-2]["reason"] == "shutdown"  # a clean goodbye first
    assert device.reboots == 1


def test_a_rolled_back_device_does_not_reboot_into_anything_new():
    device, transport = simulated(failure_rate=1.0, reboot=True)
    deliver(transport, offer())
    assert transport.on("/firmware/status")[-1]["state"] == "rolled_back"
    assert device.reboots == 0


def test_a_device_chosen_to_fail_its_health_check_rolls_back_and_keeps_its_version():
    device, transport = simulated(failure_rate=1.0)
    deliver(transport, offer())
    report = transport.on("/firmware/status")[-1]
    assert (report["state"], report["running_version"]) == ("rolled_back", "1.2.9")
    assert HEALTH_PROBLEM in report["detail"]
    assert device.firmware_version == "1.2.9"


def test_a_refused_offer_is_reported_with_its_code():
    device, transport = simulated(version="1.3.0")
    deliver(transport, offer())
    assert firmware_states(transport) == [("failed", "anti_rollback")]
    assert device.slot.written == 0


def test_a_failed_download_asks_for_a_fresh_offer_on_the_status_topic():
    def expired(_url):
        raise DownloadError("image download answered 403")

    _device, transport = simulated(fetch=expired)
    deliver(transport, offer())
    asked = transport.on("/firmware/status")[-1]
    assert (asked["request"], asked["rollout_id"]) == ("renew_offer", "ro-1")


def test_configuration_and_commands_are_answered_by_the_agent():
    device, transport = simulated()
    desired = {"desired_version": 2, "state": {"interval_s": 5}, "delta": {"interval_s": 5}}
    transport.deliver(f"devices/{DEVICE}/config/desired", desired)
    assert device.applied[-1] == {"interval_s": 5}
    assert transport.on("/config/reported")[-1]["state"] == {"interval_s": 5}
    expires = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    command = {"command_id": "cmd00001", "name": "reboot", "parameters": {}, "expires_at": expires}
    transport.deliver(f"devices/{DEVICE}/commands/cmd00001", command)
    assert device.commands_run == ["reboot"]
    assert transport.on("/commands/cmd00001/result")[-1]["status"] == "succeeded"


def test_telemetry_goes_out_on_the_devices_own_connection_and_topic():
    device, transport = simulated()
    publisher = AgentPublisher([device])
    publisher.publish(f"devices/{DEVICE}/telemetry", b'{"seq":1}', (DEVICE, 1))
    publisher.publish("devices/other/telemetry", b'{"seq":1}', ("other", 1))
    assert [m.topic for m in transport.sent] == [f"devices/{DEVICE}/telemetry"]
    assert (publisher.acked, publisher.refused) == (1, 1)


def test_an_agent_that_is_not_started_cannot_publish():
    device = SimulatedAgent(package(), "pump-v2", AgentOptions(trusted=[]))
    with pytest.raises(SimulatorError, match="not started"):
        device.publish("devices/x/telemetry", b"{}")


def test_the_failing_share_is_deterministic_and_close_to_the_rate():
    devices = [f"sim-{n:04d}" for n in range(2000)]
    failing = [d for d in devices if fails_health_check(d, 0.1)]
    assert failing == [d for d in devices if fails_health_check(d, 0.1)]
    assert 150 < len(failing) < 250
    assert not any(fails_health_check(d, 0.0) for d in devices)
    assert all(fails_health_check(d, 1.0) for d in devices)


def test_a_slot_starts_afresh_with_each_update_and_refuses_to_boot_empty():
    slot = SimulatedSlot()
    slot.write(b"abc")
    slot.begin()
    assert slot.written == 0
    with pytest.raises(Exception, match="empty"):
        slot.activate()


def test_a_failure_rate_outside_0_to_1_exits_2_before_onboarding(capsys):
    parser = argparse.ArgumentParser()
    main.add_arguments(parser)
    args = parser.parse_args(
        ["--port", "1", "--register-as", "a@example.com", "--firmware-failure-rate", "2"]
    )
    assert main.run(args) == 2
    assert "--firmware-failure-rate is a share between 0 and 1" in capsys.readouterr().err
