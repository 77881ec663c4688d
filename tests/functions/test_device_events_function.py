"""handle_device_events on sample SQS batches, and the command expiry schedule."""

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from iotsphere.domain.devices.commands import CommandState
from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.domain.devices.messages import NewCommand
from iotsphere.services.devices.commands import send_command
from tests.functions.device_support import ORG, device_ports, onboard
from tests.sample_events import load_event

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
