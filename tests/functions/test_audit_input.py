"""The audit trail keeps an entry for every change asked for, however odd its input, and the audit
query refuses what MongoDB cannot take with a 400 naming the parameter.

An id of more than 320 characters in a path used to lose the entry of its (refused) request: the
API log said ``audit entry not stored``. The audit log here is the in-memory one; like the MongoDB
adapter, it is asked with the adapter's own filter, encoded as BSON first.
"""

from __future__ import annotations

import hashlib
from typing import Any

import bson
import pytest

from chalicelib.http import security
from iotsphere import bootstrap
from iotsphere.adapters.mongo_identity_audit import audit_filter
from iotsphere.domain.identity.audit import MAX_TEXT_CHARS, AuditFilter
from iotsphere.services.identity.audit import record_audit
from tests.functions.conftest import ORG, auth
from tests.unit.identity.fakes import fake_ports

LONG_ID = "s" * 400


@pytest.fixture
def identity(monkeypatch, audit_log):
    """Fake identity ports whose audit log stores entries and answers as MongoDB would."""
    ports = fake_ports()
    listed = ports.audit.list

    def encoded_then_listed(
        org_id: str, filters: AuditFilter, before: str | None, limit: int
    ) -> list[Any]:
        bson.encode(audit_filter(org_id, filters, before))
        return listed(org_id, filters, before, limit)

    monkeypatch.setattr(ports.audit, "list", encoded_then_listed)
    monkeypatch.setattr(bootstrap, "identity_ports", lambda: ports)
    monkeypatch.setattr(security, "record_audit", record_audit)
    return ports


def test_a_refused_request_with_an_over_long_id_is_still_audited_with_a_digest(client, audit_log):
    response = client.http.delete(f"/v1/me/sessions/{LONG_ID}", headers=auth("admin"))
    assert response.status_code == 400  # no session id is longer than 40 characters
    (entry,) = audit_log
    assert (entry.outcome, entry.status, entry.target_type) == ("failure", 400, "session_id")
    assert entry.target_id is not None
    assert len(entry.target_id) <= MAX_TEXT_CHARS
    assert entry.target_id.startswith("s" * 200)
    assert hashlib.sha256(LONG_ID.encode()).hexdigest() in entry.target_id


def test_the_entry_is_found_by_the_full_id(client, identity):
    client.http.delete(f"/v1/me/sessions/{LONG_ID}", headers=auth("admin"))
    client.http.delete("/v1/me/sessions/" + "t" * 400, headers=auth("admin"))
    response = client.http.get(f"/v1/audit?target_id={LONG_ID}", headers=auth("admin"))
    assert response.status_code == 200, response.body
    (found,) = response.json_body["items"]
    full = f"/v1/me/sessions/{LONG_ID}"
    assert found["org_id"] == ORG
    assert found["path"].startswith(full[:200])
    assert f"[{len(full)} characters, sha256 " in found["path"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("since", "0001-01-01T00:00:00%2B01:00"), ("until", "9999-12-31T23:59:00-01:00")],
)
def test_a_time_beyond_the_calendar_once_in_utc_is_400_naming_the_parameter(
    client, identity, name, value
):
    response = client.http.get(f"/v1/audit?{name}={value}", headers=auth("admin"))
    assert response.status_code == 400, response.body
    (error,) = response.json_body["errors"]
    assert error["location"] == f"query.{name}"
    assert "between years 1 and 9999 in UTC" in error["message"]
