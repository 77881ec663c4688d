"""The quarantine adapter against the real MongoDB-wire server of the test stack."""

import uuid

import pytest
from pymongo import MongoClient

from iotsphere.adapters.mongo_quarantine import COLLECTION, MongoQuarantineStore
from iotsphere.domain.quarantine import QuarantinedMessage

pytestmark = pytest.mark.integration


@pytest.fixture
def store(settings):
    client = MongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    yield MongoQuarantineStore(client[settings.mongo_database][COLLECTION])
    client.close()


def test_put_twice_keeps_one_and_lists_newest_first(store):
    device = f"q-{uuid.uuid4().hex[:8]}"
    older = QuarantinedMessage.of(device_id=device, received_ms=1_000, reason="bad", payload="{")
    newer = QuarantinedMessage.of(device_id=device, received_ms=2_000, reason="worse", payload="[")
    store.put([older, newer])
    store.put([older])
    listed = store.list(device_id=device)
    assert [m.reason for m in listed] == ["worse", "bad"]
    assert listed[1] == older
