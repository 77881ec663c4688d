"""The configuration round trip through the real parts: the type's default reaches a new device,
a desired change made through the API is published retained at QoS 1, the agent applies it and
reports, the report comes back through the bridge and the API's delta empties; a stale change is
refused and the newer one stays; one change to a group answers per device."""

from __future__ import annotations

import json

import pytest

from iotsphere.domain.devices import topics
from tests.e2e.api.client import Organization
from tests.e2e.devices.conftest import Fleet, new_type
from tests.e2e.devices.lifecycle import (
    Watcher,
    eventually,
    ok,
    shadow_of,
    wait_status,
)

pytestmark = pytest.mark.e2e


def settled(org: Organization, device_id: str, desired_version: int) -> dict:
    """The shadow once the device reported everything of ``desired_version``."""
    return eventually(
        lambda: shadow_of(org.viewer, device_id),
        lambda s: s["desired_version"] == desired_version and s["delta"] == {},
        f"{device_id} reports desired version {desired_version}",
    )


def test_a_desired_change_reaches_the_device_and_its_report_empties_the_delta(
    org: Organization, device_type: str, fleet: Fleet, broker_port: int
) -> None:
    device = fleet.onboard(device_type)
    device.start()
    wait_status(org.viewer, device.id, "online")
    first = settled(org, device.id, 1)  # the type's default, applied on the first connection
    assert first["reported"] == {"interval_s": 60}
    assert device.applied == [{"interval_s": 60}]

    path = f"/v1/devices/{device.id}/config/desired"
    changed = ok(org.operator.patch(path, json={"patch": {"interval_s": 5}, "expected_version": 1}))
    assert (changed["desired_version"], changed["delta"]) == (2, {"interval_s": 5})
    shadow = settled(org, device.id, 2)
    assert shadow["reported"] == {"interval_s": 5}
    assert device.applied[-1] == {"interval_s": 5}

    stale = org.operator.patch(path, json={"patch": {"interval_s": 9}, "expected_version": 1})
    assert stale.status_code == 409, stale.text
    assert "version 2" in stale.json()["detail"]
    after = shadow_of(org.viewer, device.id)
    assert (after["desired"], after["desired_version"]) == ({"interval_s": 5}, 2)
    assert {"interval_s": 9} not in device.applied

    device.stop()  # connecting again as the device: what it is given on every connection
    package = device.package
    as_device = Watcher(broker_port, package.username, package.password, package.client_id)
    try:
        as_device.subscribe(topics.desired_config(device.id))
        as_device.wait(lambda: as_device.on(topics.desired_config(device.id)), "desired config")
        (kept,) = as_device.on(topics.desired_config(device.id))
    finally:
        as_device.close()
    assert (kept.retain, kept.qos) == (True, 1)
    assert json.loads(kept.payload)["state"] == {"interval_s": 5}
    assert json.loads(kept.payload)["desired_version"] == 2

    revisions = ok(org.viewer.get(f"/v1/devices/{device.id}/config/history"))["items"]
    desired = [(r["revision"], r["document"]) for r in revisions if r["side"] == "desired"]
    assert desired == [(2, {"interval_s": 5}), (1, {"interval_s": 60})]
    assert any(r["side"] == "reported" and r["document"] == {"interval_s": 5} for r in revisions)


def test_one_change_to_a_group_answers_for_each_device(
    org: Organization, other_org: Organization, device_type: str, fleet: Fleet
) -> None:
    group = f"floor-{fleet.org.org_id[:6]}-{len(fleet.devices)}"
    narrow_type = new_type(org, maximum=10)  # refuses an interval of 30
    online = [fleet.onboard(device_type, groups=[group]) for _ in range(2)]
    narrow = fleet.onboard(narrow_type, groups=[group])
    foreign = Fleet(other_org)
    elsewhere = foreign.onboard(new_type(other_org))
    try:
        for device in online:
            device.start()
        for device in online:
            settled(org, device.id, 1)
        body = {
            "target": {"groups": [group], "device_ids": [elsewhere.id]},
            "patch": {"interval_s": 30},
        }
        outcomes = ok(org.operator.post("/v1/bulk/config", json=body))["outcomes"]
        by_device = {o["device_id"]: o for o in outcomes}
        assert len(outcomes) == len(by_device) == 4
        for device in online:
            assert by_device[device.id]["outcome"] == "applied"
            assert by_device[device.id]["desired_version"] == 2
        assert by_device[narrow.id]["outcome"] == "invalid"
        assert "interval_s" in by_device[narrow.id]["detail"]
        assert by_device[elsewhere.id]["outcome"] == "not_found"
        for device in online:
            assert settled(org, device.id, 2)["reported"] == {"interval_s": 30}
        assert shadow_of(org.viewer, narrow.id)["desired"] == {"interval_s": 10}
        assert shadow_of(other_org.viewer, elsewhere.id)["desired_version"] == 1
    finally:
        foreign.retire()
