"""The whole pipeline for end-to-end tests: the test stack plus the runner and the bridge, the API
served by ``iotsphere api``, and two organizations (``org_a``, ``org_b``) each with a signed-in
admin, operator and viewer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.adapters.firmware_rollout_ports import build_rollout_ports
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.bootstrap import build_identity_ports, connect_mongo
from iotsphere.local.secrets import SIMULATOR_USER, mqtt_credentials
from iotsphere.local.stack import Stack
from iotsphere.services.firmware.ports import RolloutPorts
from iotsphere.services.identity.ports import IdentityPorts
from tests.e2e.api.client import ApiClient, Organization
from tests.e2e.fleet import Publisher
from tests.e2e.organizations import new_organization

PIPELINE = ("runner", "bridge")


@pytest.fixture(scope="session")
def platform(stack: Stack) -> Iterator[Stack]:
    started = [name for name in PIPELINE if stack.start(name)]
    yield stack
    for name in reversed(started):
        stack.stop(name)


@pytest.fixture
def publisher(platform: Stack) -> Iterator[Publisher]:
    username, password = mqtt_credentials(platform.home.root, SIMULATOR_USER)
    device_publisher = Publisher(platform.config.services.mosquitto.port, username, password)
    yield device_publisher
    device_publisher.close()


@pytest.fixture(scope="session")
def api(stack: Stack) -> Iterator[ApiClient]:
    started = stack.start("api")
    yield ApiClient(stack.specs["api"].url)
    if started:
        stack.stop("api")


@pytest.fixture(scope="session")
def identity(stack: Stack) -> Iterator[IdentityPorts]:
    """The identity stores of the test stack, for set-up that no API route offers."""
    database = connect_mongo(stack.settings)
    yield build_identity_ports(stack.settings, database)
    database.client.close()


@pytest.fixture(scope="session")
def org_a(identity: IdentityPorts, api: ApiClient) -> Organization:
    return new_organization(identity, api, "Org A")


@pytest.fixture(scope="session")
def org_b(identity: IdentityPorts, api: ApiClient) -> Organization:
    return new_organization(identity, api, "Org B")


@pytest.fixture(scope="session")
def rollout_ports(platform: Stack) -> Iterator[RolloutPorts]:
    """The rollout services over the stack's own adapters, as the runner's schedule has them: the
    test stack turns the rollout sweep off (tests/stack.yml), so rollout tests advance waves with
    these."""
    settings = platform.settings
    database = connect_mongo(settings)
    sqs = aws_client("sqs", settings)
    outbound = SqsPublisher(sqs, queue_url(sqs, settings.device_outbound_queue))
    yield build_rollout_ports(
        database, aws_client("s3", settings), settings.firmware_bucket, outbound
    )
    database.client.close()
