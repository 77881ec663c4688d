"""Signed firmware end to end: the API (``chalice local``), the runner (signing, device events,
the rollout schedule), the bridge, Mosquitto with per-device identities, LocalStack S3 and the
MongoDB-wire server of the test stack; devices run the simulator's device agent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.adapters.firmware_rollout_ports import build_rollout_ports
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.bootstrap import connect_mongo
from iotsphere.domain.firmware.signatures import TrustedKey
from iotsphere.local.stack import Stack
from iotsphere.services.firmware.ports import RolloutPorts
from iotsphere.services.identity.ports import IdentityPorts
from iotsphere.simulator.provisioning import firmware_public_key
from tests.e2e.api.client import ApiClient, Organization
from tests.e2e.organizations import new_organization


@pytest.fixture(scope="session")
def firmware_stack(platform: Stack, api: ApiClient) -> Stack:
    return platform


@pytest.fixture(scope="module")
def org(firmware_stack: Stack, identity: IdentityPorts, api: ApiClient) -> Organization:
    return new_organization(identity, api, "Firmware Org")


@pytest.fixture(scope="session")
def rollout_ports(firmware_stack: Stack) -> Iterator[RolloutPorts]:
    """The rollout services over the stack's own adapters, as the runner's schedule has them."""
    settings = firmware_stack.settings
    database = connect_mongo(settings)
    sqs = aws_client("sqs", settings)
    outbound = SqsPublisher(sqs, queue_url(sqs, settings.device_outbound_queue))
    yield build_rollout_ports(
        database, aws_client("s3", settings), settings.firmware_bucket, outbound
    )
    database.client.close()


@pytest.fixture(scope="session")
def trusted(firmware_stack: Stack) -> list[TrustedKey]:
    """The stack's firmware public key, which every device trusts."""
    key = firmware_public_key(firmware_stack.home.root)
    assert key is not None, "the test stack has no firmware signing key"
    return [TrustedKey.from_base64(key)]
