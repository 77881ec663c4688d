"""The Data API on the real stack: telemetry in InfluxDB, devices and quarantine in MongoDB, the
API served as ``iotsphere api`` serves it. Each organization reads only its own devices' data."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from iotsphere.adapters.influx_telemetry import InfluxTelemetryStore
from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.adapters.mongo_quarantine import COLLECTION as QUARANTINE
from iotsphere.adapters.mongo_quarantine import MongoQuarantineStore
from iotsphere.bootstrap import connect_mongo
from iotsphere.domain.quarantine import QuarantinedMessage
from iotsphere.domain.telemetry import Reading
from iotsphere.local.stack import Stack
from tests.e2e.api.client import Organization
from tests.e2e.api.registry import register_pumps

pytestmark = pytest.mark.e2e

T0 = (datetime.now(tz=UTC) - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
RANGE = {"start": T0.isoformat(), "end": (T0 + timedelta(hours=1)).isoformat()}


@dataclass(frozen=True)
class Fleet:
    """Two devices of A and one of B in a group of the same name; ids unique to this run."""

    group: str
    a1: str
    a2: str
    b1: str
    quarantined_a: QuarantinedMessage
    quarantined_b: QuarantinedMessage


@pytest.fixture(scope="module")
def fleet(stack: Stack, org_a: Organization, org_b: Organization) -> Iterator[Fleet]:
    run = uuid.uuid4().hex[:8]
    group, a1, a2, b1 = f"hall-{run}", f"da1-{run}", f"da2-{run}", f"db1-{run}"
    database = connect_mongo(stack.settings)
    devices = MongoDeviceRepository(database[DEVICES])
    pairs = ((a1, org_a.org_id), (a2, org_a.org_id), (b1, org_b.org_id))
    register_pumps(database, pairs, T0, groups=[group])
    store = InfluxTelemetryStore.from_settings(stack.settings)
    for device_id, base in ((a1, 10.0), (a2, 20.0), (b1, 1000.0)):
        readings = [
            Reading(device_id=device_id, ts=T0 + timedelta(minutes=i), metrics={"t": base + i})
            for i in range(5)
        ]
        assert store.write(readings) == []
    t0_ms = int(T0.timestamp() * 1000)
    quarantined = [
        QuarantinedMessage.of(device_id=d, received_ms=t0_ms, reason=f"e2e {run}", payload="{")
        for d in (a1, b1)
    ]
    MongoQuarantineStore(database[QUARANTINE]).put(quarantined)
    yield Fleet(group, a1, a2, b1, *quarantined)
    devices.remove(org_a.org_id, [a1, a2])
    devices.remove(org_b.org_id, [b1])
    database.client.close()


def test_a_device_series_is_read_by_its_organization_only(fleet: Fleet, org_a, org_b):
    query = {"metric": "t", **RANGE}
    mine = org_a.viewer.get(f"/v1/devices/{fleet.a1}/telemetry", params=query)
    assert mine.status_code == 200, mine.text
    assert [p["value"] for p in mine.json()["points"]] == [14.0, 13.0, 12.0, 11.0, 10.0]
    theirs = org_b.viewer.get(f"/v1/devices/{fleet.a1}/telemetry", params=query)
    assert theirs.status_code == 404
    assert theirs.headers["Content-Type"] == "application/problem+json"


def test_latest_values_cover_the_callers_devices_and_name_the_others(fleet: Fleet, org_a):
    params = [("metric", "t"), ("device_id", fleet.a1), ("device_id", fleet.a2)]
    params.append(("device_id", fleet.b1))
    answer = org_a.viewer.get("/v1/telemetry/latest", params=params)
    assert answer.status_code == 200, answer.text
    values = {v["device_id"]: v["value"] for v in answer.json()["values"]}
    assert values == {fleet.a1: 14.0, fleet.a2: 24.0}
    assert answer.json()["unknown_device_ids"] == [fleet.b1]


def test_latest_values_of_a_group_page_through_the_callers_devices(fleet: Fleet, org_a):
    params = {"metric": "t", "groups": fleet.group, "limit": 1}
    first = org_a.viewer.get("/v1/telemetry/latest", params=params)
    assert first.status_code == 200, first.text
    rest = org_a.viewer.get(
        "/v1/telemetry/latest", params={**params, "cursor": first.json()["next_cursor"]}
    )
    seen = [v["device_id"] for page in (first, rest) for v in page.json()["values"]]
    assert seen == [fleet.a1, fleet.a2]
    assert rest.json()["next_cursor"] is None


def test_a_fleet_aggregate_leaves_other_organizations_out(fleet: Fleet, org_a, org_b):
    params = {"metric": "t", "groups": fleet.group, "window": "1h", **RANGE}
    answer = org_a.viewer.get("/v1/telemetry/fleet", params=params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["devices"] == 2
    (window,) = body["windows"]
    assert (window["min"], window["max"], window["count"]) == (10.0, 24.0, 10)
    theirs = org_b.viewer.get("/v1/telemetry/fleet", params=params).json()
    assert theirs["devices"] == 1
    assert theirs["windows"][0]["min"] == 1000.0


def test_csv_export_is_text_csv_with_its_cap_in_the_headers(fleet: Fleet, org_a, org_b):
    params = {"metric": "t", "limit": 3, **RANGE}
    answer = org_a.viewer.get(f"/v1/devices/{fleet.a1}/telemetry.csv", params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["time", "device_id", "metric", "value"]
    assert [row[3] for row in rows[1:]] == ["10.0", "11.0", "12.0"]
    assert answer.headers["X-Row-Cap-Reached"] == "true"
    resumed = org_a.viewer.get(
        f"/v1/devices/{fleet.a1}/telemetry.csv",
        params={**params, "start": answer.headers["X-Next-Start"]},
    )
    assert [row[3] for row in csv.reader(io.StringIO(resumed.text))][1:] == ["13.0", "14.0"]
    assert resumed.headers["X-Row-Cap-Reached"] == "false"
    assert (
        org_b.viewer.get(f"/v1/devices/{fleet.a1}/telemetry.csv", params=params).status_code == 404
    )


def test_quarantine_lists_and_shows_the_callers_records_only(fleet: Fleet, org_a, org_b):
    listed = org_a.viewer.get("/v1/quarantine", params={"reason": fleet.quarantined_a.reason})
    assert listed.status_code == 200, listed.text
    assert [m["id"] for m in listed.json()["items"]] == [fleet.quarantined_a.id]
    assert org_b.viewer.get("/v1/quarantine", params={"device_id": fleet.a1}).status_code == 404
    mine = org_a.viewer.get(f"/v1/quarantine/{fleet.quarantined_a.id}")
    assert mine.status_code == 200
    assert org_a.viewer.get(f"/v1/quarantine/{fleet.quarantined_b.id}").status_code == 404


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/telemetry/latest", {"metric": "t", "device_id": "x' OR 1=1 --"}),
        ("/v1/telemetry/latest", {"metric": 't" FROM telemetry; DROP DATABASE x; --'}),
        ("/v1/telemetry/fleet", {"metric": "t", "window": "1h); DROP", "groups": "g"}),
        ("/v1/quarantine", {"device_id": '{"$ne": null}'}),
    ],
)
def test_injection_attempts_are_malformed_input(org_a, path, params):
    answer = org_a.viewer.get(path, params=params)
    assert answer.status_code == 400, answer.text
