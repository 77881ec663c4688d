"""Data API routes over many devices: latest values, fleet aggregates and the CSV export."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from iotsphere import bootstrap
from iotsphere.domain.devices.device import DeviceStatus
from iotsphere.domain.quarantine import QuarantinedMessage
from iotsphere.domain.telemetry import Reading
from iotsphere.domain.telemetry_query import MAX_EXPORT_ROWS
from iotsphere.services.errors import StoreUnavailableError
from tests.fakes import FakeQuarantine, FakeTelemetryStore
from tests.functions.conftest import auth
from tests.functions.test_telemetry_api import device
from tests.unit.devices.fakes import FakeDevices

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
RANGE = {"start": "2026-11-26T12:00:00Z", "end": "2026-11-26T13:00:00Z"}


@pytest.fixture
def registry(monkeypatch):
    fake = FakeDevices()
    fake.add(
        [
            device("pump-001", groups=["hall-a"], tags=["cold"]),
            device("pump-002", groups=["hall-a"]),
            device("fan-001", groups=["hall-b"], device_type="fan"),
            device("pump-009", groups=["hall-a"], status=DeviceStatus.DECOMMISSIONED),
            device("pump-other", org="org2", groups=["hall-a"]),
        ]
    )
    monkeypatch.setattr(bootstrap, "device_repository", lambda: fake)
    return fake


@pytest.fixture
def store(monkeypatch, registry):
    fake = FakeTelemetryStore()
    for device_id, base in (
        ("pump-001", 10.0),
        ("pump-002", 20.0),
        ("fan-001", 30.0),
        ("pump-009", 40.0),
        ("pump-other", 90.0),
    ):
        fake.write(
            [
                Reading(
                    device_id=device_id,
                    ts=T0 + timedelta(minutes=i),
                    metrics={"t": base + i, "mode": "eco"},
                )
                for i in range(3)
            ]
        )
    monkeypatch.setattr(bootstrap, "telemetry_store", lambda: fake)
    return fake


def get(client, path, role="viewer", query=()):
    """``query``: pairs, so that a name may repeat (device_id=a&device_id=b)."""
    return client.http.get(
        f"{path}?{urlencode(list(query))}" if query else path, headers=auth(role)
    )


def detail(response):
    return json.loads(response.body)["detail"]


# latest values


def test_latest_values_of_named_devices(client, store):
    query = [
        ("metric", "t"),
        ("metric", "mode"),
        ("device_id", "pump-001"),
        ("device_id", "fan-001"),
    ]
    response = get(client, "/v1/telemetry/latest", query=query)
    assert response.status_code == 200
    values = {(v["device_id"], v["metric"]): v["value"] for v in response.json_body["values"]}
    assert values == {
        ("pump-001", "t"): 12.0,
        ("pump-001", "mode"): "eco",
        ("fan-001", "t"): 32.0,
        ("fan-001", "mode"): "eco",
    }
    assert response.json_body["unknown_device_ids"] == []
    assert response.json_body["next_cursor"] is None


def test_latest_lists_ids_of_other_organizations_as_unknown_and_reads_nothing_of_them(
    client, store
):
    query = [("metric", "t"), ("device_id", "pump-other"), ("device_id", "nope-1")]
    response = get(client, "/v1/telemetry/latest", query=query)
    assert response.status_code == 200
    assert response.json_body["values"] == []
    assert response.json_body["unknown_device_ids"] == ["pump-other", "nope-1"]


def test_latest_of_a_group_comes_a_page_at_a_time(client, store):
    query = [("metric", "t"), ("groups", "hall-a"), ("limit", "1")]
    first = get(client, "/v1/telemetry/latest", query=query)
    assert [v["device_id"] for v in first.json_body["values"]] == ["pump-001"]
    cursor = first.json_body["next_cursor"]
    second = get(client, "/v1/telemetry/latest", query=[*query, ("cursor", cursor)])
    assert [v["device_id"] for v in second.json_body["values"]] == ["pump-002"]
    assert (
        second.json_body["next_cursor"] is None
    )  # pump-009 is decommissioned, pump-other not ours


@pytest.mark.parametrize(
    ("query", "selected"),
    [
        ([("device_type", "fan")], ["fan-001"]),
        ([("tags", "cold")], ["pump-001"]),
        ([], ["fan-001", "pump-001", "pump-002"]),
    ],
)
def test_latest_by_type_tag_or_the_whole_fleet(client, store, query, selected):
    response = get(client, "/v1/telemetry/latest", query=[("metric", "t"), *query])
    assert sorted(v["device_id"] for v in response.json_body["values"]) == selected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ([], "query.metric: Field required"),
        ([("metric", "bad name")], "query.metric.0"),
        ([("metric", "t")] + [("device_id", f"d-{i}") for i in range(101)], "query.device_id"),
        ([("metric", f"m{i}") for i in range(11)], "query.metric"),
        ([("metric", "t"), ("limit", "101")], "query.limit"),
        ([("metric", "t"), ("groups", "$where")], "query.groups.0"),
        ([("metric", "t"), ("device_type", "fan"), ("device_type", "pump")], "give it once"),
        ([("metric", "t"), ("since", "x")], "unknown parameter"),
    ],
)
def test_malformed_latest_queries_are_400(client, store, query, message):
    response = get(client, "/v1/telemetry/latest", query=query)
    assert response.status_code == 400
    assert message in detail(response)


def test_a_cursor_of_another_selection_or_made_up_is_422(client, store):
    first = get(client, "/v1/telemetry/latest", query=[("metric", "t"), ("limit", "1")])
    cursor = first.json_body["next_cursor"]
    other = [("metric", "t"), ("groups", "hall-a"), ("cursor", cursor)]
    for query in (other, [("metric", "t"), ("cursor", "x")]):
        response = get(client, "/v1/telemetry/latest", query=query)
        assert response.status_code == 422
        assert "query.cursor" in detail(response)


def test_latest_by_id_and_by_group_at_once_is_422(client, store):
    query = [("metric", "t"), ("device_id", "pump-001"), ("groups", "hall-a")]
    response = get(client, "/v1/telemetry/latest", query=query)
    assert response.status_code == 422
    assert "not both" in detail(response)


# fleet aggregates


def test_fleet_aggregate_of_a_group_covers_only_the_callers_active_devices(client, store):
    query = [("metric", "t"), ("groups", "hall-a"), ("window", "1h"), *RANGE.items()]
    response = get(client, "/v1/telemetry/fleet", query=query)
    assert response.status_code == 200
    body = response.json_body
    assert (body["devices"], body["metric"], body["window"]) == (2, "t", "1h")
    (window,) = body["windows"]
    assert window == {
        "time": "2026-11-26T12:00:00Z",
        "mean": 16.0,
        "min": 10.0,
        "max": 22.0,
        "count": 6,
    }


def test_fleet_aggregate_by_device_type(client, store):
    query = [("metric", "t"), ("device_type", "fan"), ("window", "1m"), *RANGE.items()]
    response = get(client, "/v1/telemetry/fleet", query=query)
    assert [w["max"] for w in response.json_body["windows"]] == [32.0, 31.0, 30.0]


def test_a_fleet_that_selects_nothing_has_no_windows(client, store):
    query = [("metric", "t"), ("groups", "empty"), ("window", "1h"), *RANGE.items()]
    response = get(client, "/v1/telemetry/fleet", query=query)
    assert response.json_body == {"metric": "t", "window": "1h", "devices": 0, "windows": []}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ([("window", "1h")], "query.metric: Field required"),
        ([("metric", "t")], "query.window: Field required"),
        ([("metric", "t"), ("window", "1 hour")], "query.window"),
        ([("metric", "t"), ("window", "1h"), ("start", "1700000000")], "query.start"),
        ([("metric", "t"), ("window", "1h"), ("limit", "0")], "query.limit"),
    ],
)
def test_malformed_fleet_queries_are_400(client, store, query, message):
    response = get(client, "/v1/telemetry/fleet", query=query)
    assert response.status_code == 400
    assert message in detail(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ([("end", "0001-01-01T00:00:00Z")], "must lie between 1970 and 2262"),
        ([("end", "1970-01-01T00:30:00+01:00")], "must lie between 1970 and 2262"),
        ([("start", "2026-11-26T13:00:00Z"), ("end", "2026-11-26T12:00:00Z")], "end must"),
        ([("start", "2000-01-01T00:00:00Z"), ("end", "2026-11-26T12:00:00Z")], "windows"),
    ],
)
def test_fleet_queries_that_break_a_rule_are_422(client, store, query, message):
    response = get(client, "/v1/telemetry/fleet", query=[("metric", "t"), ("window", "1m"), *query])
    assert response.status_code == 422
    assert message in detail(response)


def test_a_fleet_larger_than_the_cap_is_422(client, store, registry, monkeypatch):
    monkeypatch.setattr("iotsphere.services.telemetry_query.MAX_FLEET_DEVICES", 2)
    response = get(client, "/v1/telemetry/fleet", query=[("metric", "t"), ("window", "1h")])
    assert response.status_code == 422
    assert "more than 2 devices" in detail(response)


# CSV export


def test_csv_export_is_text_csv_oldest_first(client, store):
    response = get(
        client, "/v1/devices/pump-001/telemetry.csv", query=[("metric", "t"), *RANGE.items()]
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="pump-001-t.csv"'
    assert response.body.decode().splitlines() == [
        "time,device_id,metric,value",
        "2026-11-26T12:00:00Z,pump-001,t,10.0",
        "2026-11-26T12:01:00Z,pump-001,t,11.0",
        "2026-11-26T12:02:00Z,pump-001,t,12.0",
    ]
    assert response.headers["X-Row-Count"] == "3"
    assert response.headers["X-Row-Cap"] == str(MAX_EXPORT_ROWS)
    assert response.headers["X-Row-Cap-Reached"] == "false"
    assert "X-Next-Start" not in response.headers


def test_csv_export_at_its_cap_says_so_and_where_to_go_on(client, store):
    query = [("metric", "t"), ("limit", "2"), *RANGE.items()]
    response = get(client, "/v1/devices/pump-001/telemetry.csv", query=query)
    assert len(response.body.decode().splitlines()) == 3
    assert response.headers["X-Row-Cap"] == "2"
    assert response.headers["X-Row-Cap-Reached"] == "true"
    assert response.headers["X-Next-Start"] == "2026-11-26T12:01:00.001000Z"


def test_csv_export_of_windows(client, store):
    query = [("metric", "t"), ("window", "1h"), ("aggregation", "count"), *RANGE.items()]
    response = get(client, "/v1/devices/pump-001/telemetry.csv", query=query)
    assert response.status_code == 200


@pytest.mark.parametrize("device_id", ["pump-other", "pump-404"])
def test_csv_export_of_a_device_not_the_callers_is_404(client, store, device_id):
    response = get(client, f"/v1/devices/{device_id}/telemetry.csv", query=[("metric", "t")])
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ([], 400),
        ([("metric", "t"), ("limit", str(MAX_EXPORT_ROWS + 1))], 400),
        (
            [("metric", "t"), ("start", "2026-11-26T13:00:00Z"), ("end", "2026-11-26T12:00:00Z")],
            422,
        ),
    ],
)
def test_csv_export_errors_are_problems(client, store, query, status):
    response = get(client, "/v1/devices/pump-001/telemetry.csv", query=query)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"


# every route


@pytest.mark.parametrize(
    "path",
    [
        "/v1/telemetry/latest?metric=t",
        "/v1/telemetry/fleet?metric=t&window=1h",
        "/v1/devices/pump-001/telemetry.csv?metric=t",
    ],
)
def test_every_data_route_needs_a_credential(client, store, path):
    response = client.http.get(path)
    assert response.status_code == 401


# quarantine


@pytest.fixture
def quarantine(monkeypatch, registry):
    fake = FakeQuarantine()
    t0_ms = int(T0.timestamp() * 1000)
    for minute, device_id in enumerate(["pump-001", "pump-002", "pump-other", "ghost-1"]):
        fake.put(
            [
                QuarantinedMessage.of(
                    device_id=device_id,
                    received_ms=t0_ms + minute * 60_000,
                    reason="payload is not JSON" if minute % 2 else "metric 't' is not a number",
                    payload="{",
                )
            ]
        )
    monkeypatch.setattr(bootstrap, "quarantine_store", lambda: fake)
    return fake


def test_quarantine_lists_the_callers_devices_only(client, quarantine):
    response = get(client, "/v1/quarantine")
    assert response.status_code == 200
    items = response.json_body["items"]
    assert [i["device_id"] for i in items] == ["pump-002", "pump-001"]
    assert items[0]["received_at"] == "2026-11-26T12:01:00Z"
    assert items[0]["payload_truncated"] is False
    assert response.json_body["next_cursor"] is None


def test_quarantine_filters_and_pages(client, quarantine):
    by_reason = get(client, "/v1/quarantine", query=[("reason", "not json")])
    assert [i["device_id"] for i in by_reason.json_body["items"]] == ["pump-002"]
    by_time = get(client, "/v1/quarantine", query=[("until", "2026-11-26T12:01:00Z")])
    assert [i["device_id"] for i in by_time.json_body["items"]] == ["pump-001"]
    first = get(client, "/v1/quarantine", query=[("limit", "1")])
    cursor = first.json_body["next_cursor"]
    rest = get(client, "/v1/quarantine", query=[("limit", "1"), ("cursor", cursor)])
    assert [i["device_id"] for i in rest.json_body["items"]] == ["pump-001"]


@pytest.mark.parametrize("device_id", ["pump-other", "ghost-1"])
def test_quarantine_of_a_device_not_the_callers_is_404(client, quarantine, device_id):
    response = get(client, "/v1/quarantine", query=[("device_id", device_id)])
    assert response.status_code == 404


def test_one_quarantined_message_of_the_caller_and_not_of_another(client, quarantine):
    mine = next(m for m in quarantine.messages.values() if m.device_id == "pump-001")
    theirs = next(m for m in quarantine.messages.values() if m.device_id == "pump-other")
    assert get(client, f"/v1/quarantine/{mine.id}").json_body["payload"] == "{"
    assert get(client, f"/v1/quarantine/{theirs.id}").status_code == 404
    assert get(client, f"/v1/quarantine/{'0' * 32}").status_code == 404


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ([("limit", "201")], 400, "query.limit"),
        ([("since", "yesterday")], 400, "query.since"),
        ([("device_id", "no such")], 400, "query.device_id"),
        ([("reason", "")], 400, "query.reason"),
        ([("reason", "a\x00b")], 422, "query.reason"),
        ([("cursor", "garbage")], 422, "query.cursor"),
        ([("page", "2")], 400, "unknown parameter"),
        ([("since", "2026-11-26T12:00:00Z"), ("until", "2026-11-26T11:00:00Z")], 422, "until"),
    ],
)
def test_quarantine_errors(client, quarantine, query, status, message):
    response = get(client, "/v1/quarantine", query=query)
    assert response.status_code == status
    assert message in detail(response)


def test_a_malformed_message_id_is_400(client, quarantine):
    assert get(client, "/v1/quarantine/$ne").status_code == 400


@pytest.mark.parametrize("path", ["/v1/quarantine", f"/v1/quarantine/{'0' * 32}"])
def test_quarantine_needs_a_credential(client, quarantine, path):
    assert client.http.get(path).status_code == 401


# stores that are down


def unavailable(*args, **kwargs):
    raise StoreUnavailableError("the store is down")


@pytest.mark.parametrize(
    ("path", "broken"),
    [
        ("/v1/telemetry/latest?metric=t&device_id=pump-001", "telemetry.latest"),
        ("/v1/telemetry/fleet?metric=t&window=1h", "telemetry.fleet"),
        ("/v1/devices/pump-001/telemetry.csv?metric=t", "telemetry.query"),
        ("/v1/quarantine", "quarantine.find"),
        ("/v1/telemetry/latest?metric=t", "registry.search"),
    ],
)
def test_a_store_that_is_down_is_a_503_with_retry_after(
    client, store, quarantine, registry, monkeypatch, path, broken
):
    owner, method = broken.split(".")
    target = {"telemetry": store, "quarantine": quarantine, "registry": registry}[owner]
    monkeypatch.setattr(target, method, unavailable)
    response = client.http.get(path, headers=auth("viewer"))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "down" in detail(response)
