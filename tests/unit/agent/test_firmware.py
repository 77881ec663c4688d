"""Firmware offers: verified before installing, health-checked, committed or rolled back."""

import json
from datetime import timedelta

from iotsphere.agent import AgentHandlers, DeviceAgent, FirmwareSetup
from iotsphere.agent.firmware import renewal_over_mqtt
from iotsphere.domain.firmware.errors import DownloadError
from iotsphere.domain.firmware.offer import FirmwareOffer
from tests.unit.agent.fakes import DEVICE, FakeTransport, package
from tests.unit.firmware.factories import IMAGE, IMAGE_KEY, NOW, KeyPair, chunks, manifest
from tests.unit.firmware.test_updater import FakeSlot

KEY = KeyPair()
OFFER_TOPIC = f"devices/{DEVICE}/firmware/offer"


def offer(signed_by: KeyPair = KEY, **changes) -> FirmwareOffer:
    return FirmwareOffer(
        rollout_id="ro-1",
        release_id="rel-1",
        image_key=IMAGE_KEY,
        image_url="https://s3/image?sig",
        url_expires_at=NOW + timedelta(minutes=15),
        signed=signed_by.sign(manifest(**changes)),
    )


def device(slot: FakeSlot, fetch=lambda _url: chunks(IMAGE), firmware=True, renewals=None):
    setup = FirmwareSetup("acme", "pump-v2", 1 << 20, [KEY.trusted], fetch, slot)
    handlers = AgentHandlers(
        firmware=setup if firmware else None,
        renew_offer=renewals.append if renewals is not None else None,
    )
    transport = FakeTransport()
    agent = DeviceAgent(package(), transport, handlers, "1.2.9", clock=lambda: NOW)
    agent.start()
    transport.clear()
    return agent, transport


def states(transport):
    return [(r["state"], r.get("code")) for r in transport.on("/firmware/status")]


def send(transport, an_offer: FirmwareOffer) -> None:
    transport.deliver(OFFER_TOPIC, json.loads(an_offer.model_dump_json()))


def test_a_good_offer_is_installed_checked_committed_and_the_new_version_is_born_next():
    slot = FakeSlot()
    agent, transport = device(slot)
    send(transport, offer())
    assert states(transport) == [("downloading", None), ("installed", None), ("healthy", None)]
    assert slot.written == IMAGE
    assert agent.state.firmware_version == "1.3.0"
    transport.reconnect()
    assert transport.on("/status")[-1]["firmware_version"] == "1.3.0"


def test_a_forged_offer_is_refused_with_its_code_and_nothing_is_installed():
    slot = FakeSlot()
    agent, transport = device(slot)
    send(transport, offer(signed_by=KeyPair()))
    send(transport, offer(version="1.2.0"))
    assert states(transport) == [("failed", "wrong_key"), ("failed", "anti_rollback")]
    assert (slot.written, slot.events) == (b"", [])
    assert agent.state.firmware_version == "1.2.9"
    assert transport.on("/firmware/status")[0]["running_version"] == "1.2.9"


def test_a_failed_health_check_rolls_back_and_keeps_the_version():
    slot = FakeSlot(problem="no sensor readings")
    agent, transport = device(slot)
    send(transport, offer())
    assert states(transport)[-1] == ("rolled_back", None)
    assert slot.events == ["activate", "health_check", "rollback"]
    assert agent.state.firmware_version == "1.2.9"


def test_a_failed_download_asks_for_a_fresh_offer_and_reports_no_failure():
    def expired(_url):
        raise DownloadError("403: the URL expired")

    renewals: list[FirmwareOffer] = []
    _agent, transport = device(FakeSlot(), fetch=expired, renewals=renewals)
    send(transport, offer())
    assert [r.release_id for r in renewals] == ["rel-1"]
    assert ("failed", None) not in states(transport)


def test_a_device_without_firmware_updates_ignores_offers():
    slot = FakeSlot()
    _agent, transport = device(slot, firmware=False)
    send(transport, offer())
    assert transport.sent == []


def test_the_renewal_is_asked_over_mqtt_on_the_status_topic_a_few_times_per_rollout():
    transport = FakeTransport()
    ask = renewal_over_mqtt(transport, DEVICE, lambda: NOW, limit=2)
    for _ in range(3):
        ask(offer())
    asked = transport.on("/firmware/status")
    assert len(asked) == 2
    assert asked[0] == {
        "v": 1,
        "request": "renew_offer",
        "device_id": DEVICE,
        "rollout_id": "ro-1",
        "release_id": "rel-1",
        "at": "2026-11-27T03:00:00Z",
    }
    ask(offer().model_copy(update={"rollout_id": "ro-2"}))
    assert transport.on("/firmware/status")[-1]["rollout_id"] == "ro-2"
