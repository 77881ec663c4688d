from datetime import timedelta

import pytest

from iotsphere.domain.devices.messages import DeviceEvent
from iotsphere.domain.firmware.offer import OfferRenewalRequest
from iotsphere.domain.firmware.progress import ProgressState
from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.firmware.status_events import record_status_event, reporting_device
from tests.unit.firmware.factories import NOW
from tests.unit.firmware.fakes import FakeDirectory
from tests.unit.firmware.scenario import RELEASE, report, start

RECEIVED = NOW + timedelta(minutes=3)


def event(device_id: str, payload: str, topic: str | None = None) -> DeviceEvent:
    return DeviceEvent(
        topic=topic or f"devices/{device_id}/firmware/status",
        received_ms=int(RECEIVED.timestamp() * 1000),
        payload=payload,
    )


@pytest.fixture
def directory() -> FakeDirectory:
    return FakeDirectory({"pump-000": "acme", "pump-001": "acme", "pump-globex": "globex"})


@pytest.fixture
def offered(ports) -> str:
    start(ports, device_ids=["pump-000"])
    return "pump-000"


def test_the_device_of_a_firmware_status_topic(offered):
    assert reporting_device("devices/pump-000/firmware/status") == "pump-000"
    assert reporting_device("devices/pump-000/status") is None
    assert reporting_device("devices/pump-000/firmware/status/x") is None


def test_a_report_moves_its_device_at_the_time_the_bridge_received_it(ports, directory, offered):
    payload = report(offered, "downloading").model_dump_json()
    outcome = record_status_event(event(offered, payload), directory, ports)
    assert outcome.outcome == "handled"
    progress = ports.rollouts.device("acme", "ro-1", offered)
    assert (progress.state, progress.updated_at) == (ProgressState.DOWNLOADING, RECEIVED)
    again = record_status_event(event(offered, payload), directory, ports)
    assert again.outcome == "ignored"


HEALTHY = "healthy report of the sender"


@pytest.mark.parametrize(
    ("device_id", "payload", "topic", "reason"),
    [
        ("pump-000", "{}", None, "not a firmware status report"),
        ("pump-000", "[", None, "not a firmware status report"),
        ("pump-001", report("pump-000", "healthy").model_dump_json(), None, "for device pump-000"),
        ("pump-999", HEALTHY, None, "pump-999 is not registered"),
        ("pump-globex", HEALTHY, None, "ro-1"),
        ("pump-000", HEALTHY, "devices/pump-000/status", "not a firmware status topic"),
    ],
)
def test_reports_that_can_never_apply_are_refused_with_the_reason(
    ports, directory, offered, device_id, payload, topic, reason
):
    if payload == HEALTHY:
        payload = report(device_id, "healthy").model_dump_json()
    outcome = record_status_event(event(device_id, payload, topic), directory, ports)
    assert outcome.outcome == "refused"
    assert reason in outcome.reason
    assert ports.rollouts.device("acme", "ro-1", offered).state is ProgressState.OFFERED


def test_an_unavailable_store_raises_so_the_queue_delivers_again(ports, directory, offered):
    def down(*args, **kwargs):
        raise StoreUnavailableError("mongo down")

    ports.rollouts.move = down
    with pytest.raises(StoreUnavailableError):
        record_status_event(
            event(offered, report(offered, "healthy").model_dump_json()), directory, ports
        )


def renewal(device_id: str, rollout_id: str = "ro-1") -> str:
    return OfferRenewalRequest(
        device_id=device_id, rollout_id=rollout_id, release_id=RELEASE.release_id, at=RECEIVED
    ).model_dump_json()


def test_a_renewal_request_gets_a_fresh_offer_valid_from_when_it_was_received(
    ports, directory, offered
):
    ports.offers.sent.clear()
    outcome = record_status_event(event(offered, renewal(offered)), directory, ports)
    assert outcome.outcome == "handled"
    [(org_id, device_id, fresh)] = ports.offers.sent
    assert (org_id, device_id, fresh.rollout_id) == ("acme", offered, "ro-1")
    assert fresh.url_expires_at == RECEIVED + ports.url_ttl
    assert ports.rollouts.device("acme", "ro-1", offered).state is ProgressState.OFFERED


@pytest.mark.parametrize(
    ("device_id", "payload", "reason"),
    [
        ("pump-000", renewal("pump-001"), "for device pump-001"),
        ("pump-999", renewal("pump-999"), "pump-999 is not registered"),
        ("pump-000", renewal("pump-000", "ro-nope"), "ro-nope"),
    ],
)
def test_a_renewal_that_can_never_apply_is_refused(
    ports, directory, offered, device_id, payload, reason
):
    ports.offers.sent.clear()
    outcome = record_status_event(event(device_id, payload), directory, ports)
    assert (outcome.outcome, ports.offers.sent) == ("refused", [])
    assert reason in outcome.reason


def test_a_finished_device_gets_no_renewed_offer(ports, directory, offered):
    healthy = report(offered, "healthy").model_dump_json()
    record_status_event(event(offered, healthy), directory, ports)
    ports.offers.sent.clear()
    outcome = record_status_event(event(offered, renewal(offered)), directory, ports)
    assert (outcome.outcome, ports.offers.sent) == ("refused", [])
    assert "healthy: no offer to renew" in outcome.reason
