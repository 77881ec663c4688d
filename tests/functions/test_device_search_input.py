"""A device search whose input MongoDB cannot take is a 4xx naming the parameter, never a 500.

The in-memory repository compares in Python and would take anything, so these tests make it as
strict as MongoDB about its input: each search first builds the real adapter's filter and encodes
it as BSON, which is where a NUL in a key or a time beyond the calendar failed (a 500 in the API
log) before the query string was checked for them.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import bson
import pytest

from iotsphere.adapters.mongo_devices import after_filter, search_filter
from iotsphere.domain.devices.search import DeviceSearch
from tests.functions.device_support import OTHER_ORG, call, device_ports, onboard, problem

__all__ = ["device_ports"]


@pytest.fixture
def mongo_strict_search(device_ports, monkeypatch):
    """The fake repository's search, refusing what BSON cannot encode as MongoDB would."""
    search = device_ports.devices.search

    def encoded_then_searched(
        org_id: str, query: DeviceSearch, after: tuple[Any, str] | None
    ) -> list[Any]:
        where = search_filter(org_id, query)
        bson.encode(where if after is None else {"$and": [where, after_filter(query, after)]})
        return search(org_id, query, after)

    monkeypatch.setattr(device_ports.devices, "search", encoded_then_searched)
    return device_ports


@pytest.mark.parametrize(
    ("metadata", "quoted"),
    [
        ("$where=1", "'$where'"),
        ("a.b=1", "'a.b'"),
        ("=lyon", "''"),
        (f"{'k' * 65}=1", "'kkkkkkkkkk"),
        ("site", "'site'"),
    ],
)
def test_a_metadata_filter_states_the_rule_of_keys_and_quotes_the_one_refused(
    client, mongo_strict_search, metadata, quoted
):
    response = call(client, "GET", "/v1/devices", role="viewer", metadata=metadata)
    assert response.status_code == 400
    (error,) = problem(response)["errors"]
    assert error["location"] == "query.metadata.0"
    assert "metadata filters read key=value" in error["message"]
    assert "1-64 characters" in error["message"]
    assert f"not {quoted}" in error["message"]


def test_a_nul_in_a_metadata_filter_is_refused_before_it_reaches_a_query(
    client, mongo_strict_search
):
    response = call(client, "GET", "/v1/devices", role="viewer", metadata="\x00x=1")
    assert response.status_code in (400, 422)
    assert "query.metadata" in problem(response)["detail"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("first_seen_after", "0001-01-01T00:00:00+01:00"),
        ("last_seen_before", "9999-12-31T23:59:00-01:00"),
    ],
)
def test_a_time_beyond_the_calendar_once_in_utc_is_400_naming_the_parameter(
    client, mongo_strict_search, name, value
):
    response = call(client, "GET", "/v1/devices", role="viewer", **{name: value})
    assert response.status_code == 400, response.body
    (error,) = problem(response)["errors"]
    assert error["location"] == f"query.{name}"
    assert "between years 1 and 9999 in UTC" in error["message"]


def test_the_calendar_ends_still_search(client, mongo_strict_search):
    onboard(mongo_strict_search, "t1")
    response = call(
        client,
        "GET",
        "/v1/devices",
        role="viewer",
        first_seen_after="0001-01-01T00:00:00-01:00",
        first_seen_before="9999-12-31T23:59:00+01:00",
    )
    assert response.status_code == 200
    assert response.json_body["items"] == []  # never seen: outside any window


@pytest.mark.parametrize("key", ["org_id", "_id", "status"])
def test_a_metadata_key_named_after_a_field_reads_only_metadata_of_the_callers_devices(
    client, mongo_strict_search, key
):
    mine = onboard(mongo_strict_search, "mine", metadata={key: "x"}).device_id
    onboard(mongo_strict_search, "theirs", org=OTHER_ORG, metadata={key: "x"})
    response = call(client, "GET", "/v1/devices", role="viewer", metadata=f"{key}=x")
    assert response.status_code == 200
    assert [d["id"] for d in response.json_body["items"]] == [mine]
    assert (
        call(client, "GET", "/v1/devices", role="viewer", metadata=f"{key}={OTHER_ORG}").json_body[
            "items"
        ]
        == []
    )


def test_a_forged_cursor_with_a_time_that_has_no_utc_time_is_refused(client, mongo_strict_search):
    onboard(mongo_strict_search, "t1")
    fingerprint = DeviceSearch().fingerprint  # no secret: the search's own description, hashed
    raw = json.dumps([fingerprint, "0001-01-01T00:00:00+01:00", "dev-0001"]).encode()
    cursor = base64.urlsafe_b64encode(raw).decode()
    response = call(client, "GET", "/v1/devices", role="viewer", cursor=cursor)
    assert response.status_code == 422, response.body  # well-formed, but no cursor made here
    assert "cursor" in problem(response)["detail"]
