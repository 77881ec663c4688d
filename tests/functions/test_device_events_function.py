"""handle_device_events on sample SQS batches, and the command expiry schedule."""

from datetime import UTC, datetime

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from iotsphere import bootstrap
from iotsphere.domain.devices.claim_sealing import public_key_of, unseal
from iotsphere.domain.devices.commands import CommandState
from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.domain.devices.messages import (
    ClaimRequest,
    ClaimResponse,
    DeviceEvent,
    NewCommand,
    ProvisioningPackage,
)
from iotsphere.domain.firmware.release import Release
from iotsphere.domain.firmware.rollout import RolloutTarget
from iotsphere.domain.firmware.waves import WavePlan
from iotsphere.services.devices.commands import send_command
from iotsphere.services.firmware.rollouts import RolloutRequest, start_rollout
from tests.functions.device_support import ORG, call, device_ports, onboard
from tests.sample_events import load_event
from tests.unit.firmware.factories import NOW, KeyPair, manifest
from tests.unit.firmware.scenario import fleet_ports

__all__ = ["device_ports"]

DEVICE = "d00000000000000000001"  # the first id the fake ports make, as in the sample events


@pytest.fixture
def device(device_ports):
    package = onboard(device_ports, "t1")
    assert package.device_id == DEVICE
    return package


def test_a_batch_brings_the_device_online_and_stores_its_report(client, device_ports, device):
    waiting = send_command(ORG, DEVICE, NewCommand(name="reboot"), device_ports)
    response = client.lambda_.invoke(
        "handle_device_events", load_event("device_events_sqs-batch.json")
    )
    assert response.payload == {"batchItemFailures": []}  # refused and ignored ones are done
    stored = device_ports.devices.get(ORG, DEVICE)
    assert stored.status is DeviceStatus.ONLINE
    assert stored.firmware_version == "1.4.2"
    shadow = device_ports.shadows.get(ORG, DEVICE)
    assert (shadow.reported_version, shadow.delta) == (1, {})
    assert device_ports.commands.get(ORG, waiting.id).state is CommandState.SENT


def test_a_broker_outage_fails_only_the_record_that_needed_it(client, device_ports, device):
    send_command(ORG, DEVICE, NewCommand(name="reboot"), device_ports)
    device_ports.channel.down = True
    event = load_event("device_events_sqs-batch.json")
    response = client.lambda_.invoke("handle_device_events", event)
    failed = [f["itemIdentifier"] for f in response.payload["batchItemFailures"]]
    assert failed == [event["Records"][0]["messageId"]]
    assert device_ports.shadows.get(ORG, DEVICE).reported_version == 1


def test_a_body_that_is_no_device_event_fails_so_it_ends_in_the_dlq(client, device_ports):
    with pytest.raises(BatchProcessingError, match="All records failed"):
        client.lambda_.invoke(
            "handle_device_events", load_event("device_events_sqs-not-an-event.json")
        )


def test_the_schedule_expires_commands_whose_ttl_passed(client, device_ports, device):
    command = send_command(ORG, DEVICE, NewCommand(name="reboot", ttl_s=60), device_ports)
    kept = send_command(ORG, DEVICE, NewCommand(name="reboot", ttl_s=600), device_ports)
    device_ports.clock.advance(61)
    event = load_event("device_events_schedule-expiry.json")
    response = client.lambda_.invoke("expire_overdue_commands", event)
    assert response.payload == {"moved": 1}
    assert device_ports.commands.get(ORG, command.id).state is CommandState.EXPIRED
    assert device_ports.commands.get(ORG, kept.id).state is CommandState.CREATED


def test_a_birth_offers_again_the_firmware_its_device_never_got(
    client, device_ports, device, monkeypatch
):
    """The handler hands the recorded birth (organization, running version) to the firmware step;
    the registry is not asked a second time (``registry_targets`` is no fake here)."""
    firmware = fleet_ports()
    firmware.targets.add(DEVICE, org_id=ORG)
    made = manifest(release_id="rel-thermo", org_id=ORG)
    firmware.releases.add(Release.of(made, KeyPair().sign(made)))
    only_device = RolloutTarget(device_ids=[DEVICE])
    request = RolloutRequest(
        release_id="rel-thermo", target=only_device, plan=WavePlan(percents=[100])
    )
    start_rollout(ORG, request, "ro-1", firmware, NOW)
    firmware.offers.sent.clear()
    monkeypatch.setattr(bootstrap, "rollout_ports", lambda: firmware)
    event = load_event("device_events_sqs-batch.json")
    event["Records"] = event["Records"][:1]  # the birth, firmware 1.4.2
    assert client.lambda_.invoke("handle_device_events", event).payload == {"batchItemFailures": []}
    [(org_id, device_id, offer)] = firmware.offers.sent
    assert (org_id, device_id, offer.rollout_id) == (ORG, DEVICE, "ro-1")
    received = datetime.fromtimestamp(1795716001, tz=UTC)
    assert offer.url_expires_at == received + firmware.url_ttl


def claim_event(serial, key, nonce="n" * 16):
    """One SQS record of the claim a factory-flashed device publishes, as the bridge forwards it."""
    claim = ClaimRequest(serial=serial, nonce=nonce, public_key=public_key_of(key))
    body = DeviceEvent(
        topic=f"provisioning/claims/{serial}",
        received_ms=1795716001000,
        payload=claim.model_dump_json(),
    )
    event = load_event("device_events_sqs-batch.json")
    event["Records"] = [{**event["Records"][0], "body": body.model_dump_json()}]
    return event


def answers(device_ports, serial):
    topic = f"provisioning/claims/{serial}/response"
    return [ClaimResponse.model_validate_json(p) for p in device_ports.channel.on(topic)]


def test_an_allowed_serial_claims_one_identity_sealed_to_its_key(client, device_ports):
    allowed = {"device_type": "thermo", "serials": ["SN-001"]}
    assert call(client, "POST", "/v1/claims/serials", role="admin", body=allowed).status_code == 201
    key = X25519PrivateKey.generate()
    first = client.lambda_.invoke("handle_device_events", claim_event("SN-001", key))
    assert first.payload == {"batchItemFailures": []}
    (accepted,) = answers(device_ports, "SN-001")
    package = ProvisioningPackage.model_validate_json(unseal(accepted.sealed_package, key))
    assert device_ports.devices.get(ORG, package.device_id).serial == "SN-001"
    other = X25519PrivateKey.generate()
    client.lambda_.invoke("handle_device_events", claim_event("SN-001", other))
    assert [a.status for a in answers(device_ports, "SN-001")] == ["accepted", "refused"]
    assert len(device_ports.devices.rows) == 1


def test_a_serial_nobody_allowed_is_refused_on_its_response_topic(client, device_ports):
    key = X25519PrivateKey.generate()
    response = client.lambda_.invoke("handle_device_events", claim_event("SN-404", key))
    assert response.payload == {"batchItemFailures": []}
    (refused,) = answers(device_ports, "SN-404")
    assert (refused.status, refused.sealed_package) == ("refused", None)
    assert device_ports.devices.rows == {}
