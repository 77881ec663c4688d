from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from iotsphere import bootstrap
from iotsphere.domain.telemetry import Reading
from tests.fakes import FakeTelemetryStore
from tests.sample_events import load_event


@pytest.fixture
def store(monkeypatch):
    fake = FakeTelemetryStore()
    for minute in range(3):
        ts = datetime(2026, 11, 26, 17, 10 + minute, tzinfo=UTC)
        fake.write([Reading(device_id="pump-001", ts=ts, metrics={"temperature": 20.0 + minute})])
    monkeypatch.setattr(bootstrap, "telemetry_store", lambda: fake)
    return fake


def get(client, path, **query):
    return client.http.get(f"{path}?{urlencode(query)}" if query else path)


def test_points_come_back_newest_first(client, store):
    sample = load_event("api/get-device-telemetry.json")
    query = {k: v for k, v in sample["query"].items() if k not in ("window", "aggregation")}
    response = get(client, sample["path"], **query)
    assert response.status_code == 200
    assert [p["value"] for p in response.json_body["points"]] == [22.0, 21.0, 20.0]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "metric: required"),
        ({"metric": "bad name"}, "metric: String should match pattern"),
        ({"metric": "t", "window": "5 minutes"}, "window"),
        ({"metric": "t", "aggregation": "drop"}, "aggregation"),
        ({"metric": "t", "limit": "0"}, "limit"),
        ({"metric": "t", "limit": "many"}, "limit"),
        ({"metric": "t", "start": "yesterday"}, "start"),
        ({"metric": "t", "start": "2026-11-26T10:00:00"}, "needs a time zone"),
        (
            {"metric": "t", "start": "2026-11-26T10:00:00Z", "end": "2026-11-26T09:00:00Z"},
            "end must",
        ),
        ({"metric": "t", "start": "2000-01-01T00:00:00Z", "window": "1s"}, "windows"),
    ],
)
def test_bad_queries_get_a_400_that_says_what_is_wrong(client, store, query, message):
    response = get(client, "/devices/pump-001/telemetry", **query)
    assert response.status_code == 400
    assert message in response.json_body["Message"]
