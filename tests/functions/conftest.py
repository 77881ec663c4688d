"""The Chalice test client on the app, as every function test drives it."""

from collections.abc import Iterator

import pytest
from chalice.test import Client


@pytest.fixture
def client() -> Iterator[Client]:
    from app import app

    with Client(app) as test_client:
        yield test_client
