"""Signed firmware end to end: the API (``chalice local``), the runner (signing, device events,
the rollout schedule), the bridge, Mosquitto with per-device identities, LocalStack S3 and the
MongoDB-wire server of the test stack; devices run the simulator's device agent."""

from __future__ import annotations

import pytest

from iotsphere.domain.firmware.signatures import TrustedKey
from iotsphere.local.stack import Stack
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
def trusted(firmware_stack: Stack) -> list[TrustedKey]:
    """The stack's firmware public key, which every device trusts."""
    key = firmware_public_key(firmware_stack.home.root)
    assert key is not None, "the test stack has no firmware signing key"
    return [TrustedKey.from_base64(key)]
