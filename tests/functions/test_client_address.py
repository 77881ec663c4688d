"""The address login throttling and the audit log see: API Gateway's source address, or, behind
a known number of proxies (the web app's server, a CDN), the entry they appended to
X-Forwarded-For."""

from __future__ import annotations

from typing import Any

import pytest
from chalice.app import Request

from chalicelib.http.routing import client_address


def request(forwarded: str | None, source: str = "127.0.0.1") -> Request:
    headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}
    event: dict[str, Any] = {
        "multiValueQueryStringParameters": None,
        "headers": headers,
        "pathParameters": None,
        "requestContext": {"httpMethod": "POST", "resourcePath": "/v1/auth/login",
                           "identity": {"sourceIp": source}},
        "body": None,
        "isBase64Encoded": False,
        "stageVariables": None,
    }  # fmt: skip
    return Request(event)


def test_without_trusted_proxies_the_source_address_counts_whatever_the_header_says():
    assert client_address(request("203.0.113.9"), trusted_hops=0) == "127.0.0.1"


@pytest.mark.parametrize(
    ("forwarded", "hops", "expected"),
    [
        ("203.0.113.9", 1, "203.0.113.9"),
        ("198.51.100.1, 203.0.113.9", 1, "203.0.113.9"),  # the first entry is the caller's claim
        ("198.51.100.1, 203.0.113.9, 10.0.0.2", 2, "203.0.113.9"),
        (" 203.0.113.9 ,", 1, "203.0.113.9"),
    ],
)
def test_behind_trusted_proxies_the_entry_they_appended_counts(forwarded, hops, expected):
    assert client_address(request(forwarded), trusted_hops=hops) == expected


@pytest.mark.parametrize("forwarded", [None, "", "203.0.113.9"])
def test_fewer_entries_than_proxies_fall_back_to_the_source_address(forwarded):
    assert client_address(request(forwarded), trusted_hops=2) == "127.0.0.1"
