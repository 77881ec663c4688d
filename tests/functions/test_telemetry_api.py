import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from iotsphere import bootstrap
from iotsphere.domain.devices.device import Device
from iotsphere.domain.telemetry import Reading
from iotsphere.services.errors import StoreUnavailableError
from tests.fakes import FakeTelemetryStore
from tests.functions.conftest import ORG, auth
from tests.sample_events import load_event
from tests.unit.devices.fakes import FakeDevices

CREATED = datetime(2026, 11, 1, tzinfo=UTC)


def device(device_id, org=ORG, **fields):
    return Device(
        id=device_id,
        org_id=org,
        name=device_id,
        device_type=fields.pop("device_type", "pump"),
        status_changed_at=CREATED,
        created_at=CREATED,
        **fields,
    )


@pytest.fixture
def registry(monkeypatch):
    fake = FakeDevices()
    fake.add([device("pump-001"), device("pump-other", org="org2")])
    monkeypatch.setattr(bootstrap, "device_repository", lambda: fake)
    return fake


@pytest.fixture
def store(monkeypatch, registry):
    fake = FakeTelemetryStore()
    for minute in range(3):
        ts = datetime(2026, 11, 26, 17, 10 + minute, tzinfo=UTC)
        fake.write([Reading(device_id="pump-001", ts=ts, metrics={"temperature": 20.0 + minute})])
        fake.write([Reading(device_id="pump-other", ts=ts, metrics={"temperature": 99.0})])
    monkeypatch.setattr(bootstrap, "telemetry_store", lambda: fake)
    return fake


def get(client, path, role="viewer", **query):
    return client.http.get(f"{path}?{urlencode(query)}" if query else path, headers=auth(role))


def test_points_come_back_newest_first(client, store):
    sample = load_event("api/get-device-telemetry.json")
    query = {k: v for k, v in sample["query"].items() if k not in ("window", "aggregation")}
    response = get(client, sample["path"], **query)
    assert response.status_code == 200
    assert [p["value"] for p in response.json_body["points"]] == [22.0, 21.0, 20.0]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "query.metric: Field required"),
        ({"metric": "bad name"}, "query.metric: String should match pattern"),
        ({"metric": "t", "window": "5 minutes"}, "window"),
        ({"metric": "t", "aggregation": "drop"}, "aggregation"),
        ({"metric": "t", "limit": "0"}, "limit"),
        ({"metric": "t", "limit": "many"}, "limit"),
        ({"metric": "t", "start": "yesterday"}, "start"),
        (
            {"metric": "t", "start": "2026-11-26T10:00:00"},
            "query.start: Input should have timezone",
        ),
        ({"metric": "t", "end": "0.5"}, "query.end: Value error, expected an ISO 8601 time"),
    ],
)
def test_malformed_queries_get_a_400_that_says_what_is_wrong(client, store, query, message):
    response = get(client, "/v1/devices/pump-001/telemetry", **query)
    assert response.status_code == 400
    assert message in json.loads(response.body)["detail"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"metric": "t", "start": "2026-11-26T10:00:00Z", "end": "2026-11-26T09:00:00Z"},
            "end must",
        ),
        ({"metric": "t", "start": "2000-01-01T00:00:00Z", "window": "1s"}, "windows"),
        ({"metric": "t", "end": "0107-09-11T11:01:54-11:40"}, "must lie between 1970 and 2262"),
    ],
)
def test_well_formed_queries_that_break_a_rule_get_a_422(client, store, query, message):
    response = get(client, "/v1/devices/pump-001/telemetry", **query)
    assert response.status_code == 422
    assert message in json.loads(response.body)["detail"]


def test_a_device_id_that_cannot_exist_is_400(client, store):
    response = get(client, "/v1/devices/no%20such/telemetry", metric="t")
    assert response.status_code == 400
    assert "path.device_id" in json.loads(response.body)["detail"]


def test_telemetry_needs_a_credential(client, store):
    response = client.http.get("/v1/devices/pump-001/telemetry?metric=temperature")
    assert response.status_code == 401


@pytest.mark.parametrize("device_id", ["pump-other", "pump-404", "Pump.Upper:1"])
def test_a_device_of_another_organization_is_not_found_like_one_that_does_not_exist(
    client, store, device_id
):
    response = get(client, f"/v1/devices/{device_id}/telemetry", metric="temperature")
    assert response.status_code == 404
    assert json.loads(response.body)["detail"] == f"no device {device_id!r}"


def test_a_store_that_is_down_is_a_503_with_retry_after(client, store):
    store.query = lambda query: (_ for _ in ()).throw(StoreUnavailableError("influx is down"))
    response = get(client, "/v1/devices/pump-001/telemetry", metric="temperature")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
