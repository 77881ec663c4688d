"""Record <-> document mapping of the identity stores (no server needed)."""

import pytest

from iotsphere.adapters.mongo_identity_documents import from_document, text, to_document
from iotsphere.domain.identity.organization import Organization
from tests.unit.identity.conftest import NOW


def test_the_record_id_is_the_document_id_and_comes_back():
    org = Organization(id="abc123", name="Acme", created_at=NOW)
    document = to_document(org)
    assert document == {"_id": "abc123", "name": "Acme", "created_at": NOW}
    assert from_document(Organization, document) == org
    assert from_document(Organization, None) is None


@pytest.mark.parametrize("value", [{"$ne": None}, ["a"], 1, None])
def test_only_plain_strings_reach_a_filter(value):
    with pytest.raises(TypeError, match="must be a string"):
        text(value)


def test_the_stores_need_a_time_zone_aware_client():
    from pymongo import MongoClient

    from iotsphere.adapters.mongo_identity import mongo_identity_ports
    from tests.unit.identity.fakes import FakeHasher, FakeTokenCodec

    naive = MongoClient("mongodb://127.0.0.1:9", connect=False)
    aware = MongoClient("mongodb://127.0.0.1:9", connect=False, tz_aware=True)
    try:
        with pytest.raises(ValueError, match="tz_aware"):
            mongo_identity_ports(naive["x"], hasher=FakeHasher(), tokens=FakeTokenCodec())
        ports = mongo_identity_ports(aware["x"], hasher=FakeHasher(), tokens=FakeTokenCodec())
        assert ports.policy.access_ttl.total_seconds() == 600
    finally:
        naive.close()
        aware.close()
