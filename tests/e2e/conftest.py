"""The whole pipeline for end-to-end tests: the test stack plus the runner and the bridge."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from iotsphere.local.secrets import SIMULATOR_USER, mqtt_credentials
from iotsphere.local.stack import Stack
from tests.e2e.fleet import Publisher

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
