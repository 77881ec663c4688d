"""The Firmware API routes on in-memory firmware ports: upload tickets, releases, rollouts, per role
and per error; another organization's release or rollout is not found."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from iotsphere import bootstrap
from iotsphere.domain.firmware.release import Release
from iotsphere.domain.firmware.rollout import RolloutTarget
from iotsphere.services.firmware.ports import RolloutPorts
from iotsphere.services.firmware.rollouts import RolloutRequest, start_rollout
from tests.functions.conftest import ORG, auth
from tests.unit.firmware.factories import NOW, KeyPair, manifest
from tests.unit.firmware.fakes import (
    FakeImages,
    FakeOffers,
    FakeReleases,
    FakeRollouts,
    FakeTargets,
)

KEY = KeyPair()
OTHER_ORG = "org2"


def release(number: int, org_id: str = ORG, family: str = "pump-v2", **changes) -> Release:
    fields = {
        "release_id": f"rel-{number:024x}",
        "org_id": org_id,
        "firmware_family": family,
        "version": f"1.{number}.0",
        "image_key": f"firmware/{org_id}/{family}/1.{number}.0/pump.bin",
        "created_at": NOW - timedelta(hours=10 - number),
        "expires_at": NOW + timedelta(days=3650),
    }
    made = manifest(**{**fields, **changes})
    return Release.of(made, KEY.sign(made))


MINE = release(1)
NEWER = release(2)
EXPIRED = release(3, expires_at=NOW - timedelta(hours=1))
THEIRS = release(4, org_id=OTHER_ORG)


@pytest.fixture
def ports(monkeypatch) -> RolloutPorts:
    releases = FakeReleases()
    for each in (MINE, NEWER, EXPIRED, THEIRS):
        releases.add(each)
    targets = FakeTargets()
    for i in range(20):
        targets.add(f"pump-{i:03}", org_id=ORG, groups=("north",) if i % 2 else ("south",))
    targets.add("valve-001", org_id=ORG, firmware_family="valve-v1", groups=("north",))
    targets.add("pump-other", org_id=OTHER_ORG, groups=("north",))
    found = RolloutPorts(
        releases=releases,
        rollouts=FakeRollouts(),
        targets=targets,
        images=FakeImages(),
        offers=FakeOffers(),
    )
    monkeypatch.setattr(bootstrap, "rollout_ports", lambda: found)
    monkeypatch.setattr(bootstrap, "release_store", lambda: releases)
    monkeypatch.setattr(bootstrap, "firmware_images", lambda: found.images)
    return found


def send(client, method, path, role="operator", body=None):
    headers = auth(role)
    raw = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        raw = json.dumps(body)
    return client.http.request(method, f"/v1{path}", headers=headers, body=raw)


def answer(response, status):
    assert response.status_code == status, response.body
    return json.loads(response.body) if response.body else None


def start(client, role="operator", **changes):
    body = {
        "release_id": MINE.release_id,
        "target": {"groups": ["north", "south"]},
        "plan": {"percents": [10, 100]},
        "gate": {"soak_time": "PT10M"},
        **changes,
    }
    return send(client, "POST", "/firmware/rollouts", role, body)


def started(client) -> str:
    return answer(start(client), 201)["rollout_id"]


def theirs(ports) -> str:
    """A rollout of the other organization, started through the service."""
    request = RolloutRequest(release_id=THEIRS.release_id, target=RolloutTarget(groups=["north"]))
    rollout_id = "ro-" + "f" * 24
    start_rollout(OTHER_ORG, request, rollout_id, ports, NOW)
    return rollout_id


# --- upload tickets ------------------------------------------------------------------------------

UPLOAD = {"firmware_family": "pump-v2", "version": "2.0.0", "file_name": "pump.bin"}


def test_an_admin_gets_an_upload_url_under_the_organizations_own_prefix(client, ports):
    body = {**UPLOAD, "min_version": "1.2.0"}
    ticket = answer(send(client, "POST", "/firmware/uploads", "admin", body), 201)
    assert ticket["image_key"] == f"firmware/{ORG}/pump-v2/2.0.0/pump.bin"
    assert ticket["upload_url"].startswith(f"https://fake/firmware/{ORG}/pump-v2/2.0.0/pump.bin")
    assert "expires=900" in ticket["upload_url"]
    assert "min-version=1.2.0" in ticket["upload_url"]


def test_only_an_admin_may_ask_for_an_upload_url(client, ports):
    response = send(client, "POST", "/firmware/uploads", "operator", UPLOAD)
    assert answer(response, 403)["status"] == 403


def test_a_version_the_family_released_already_is_a_conflict(client, ports):
    body = {**UPLOAD, "version": MINE.version}
    assert (
        "released already"
        in answer(send(client, "POST", "/firmware/uploads", "admin", body), 409)["detail"]
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"version": "1.3"}, "body.version"),
        ({"file_name": "../x.bin"}, "body.file_name"),
        ({"firmware_family": "Pump V2"}, "body.firmware_family"),
        ({"org_id": "org2"}, "body.org_id"),
    ],
)
def test_an_upload_request_breaking_a_rule_names_the_field(client, ports, change, field):
    problem = answer(send(client, "POST", "/firmware/uploads", "admin", {**UPLOAD, **change}), 422)
    assert field in [error["location"] for error in problem["errors"]]


# --- releases ------------------------------------------------------------------------------------


def test_releases_are_listed_newest_first_a_page_at_a_time_for_a_viewer(client, ports):
    first = answer(send(client, "GET", "/firmware/releases?limit=2", "viewer"), 200)
    assert [r["release_id"] for r in first["items"]] == [EXPIRED.release_id, NEWER.release_id]
    rest = send(
        client, "GET", f"/firmware/releases?limit=2&cursor={first['next_cursor']}", "viewer"
    )
    page = answer(rest, 200)
    assert ([r["release_id"] for r in page["items"]], page["next_cursor"]) == (
        [MINE.release_id],
        None,
    )
    assert page["items"][0]["signed"] == json.loads(MINE.signed.model_dump_json())


def test_releases_filter_by_family(client, ports):
    page = answer(send(client, "GET", "/firmware/releases?firmware_family=valve-v1", "viewer"), 200)
    assert page["items"] == []


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("cursor=nope", 400),
        ("limit=0", 400),
        ("colour=red", 400),
        (f"cursor={THEIRS.release_id}", 422),  # well-formed, but names nothing listed here
    ],
)
def test_bad_release_queries_are_refused(client, ports, query, status):
    answer(send(client, "GET", f"/firmware/releases?{query}", "viewer"), status)


def test_one_release_and_another_organizations_is_not_found(client, ports):
    found = answer(send(client, "GET", f"/firmware/releases/{MINE.release_id}", "viewer"), 200)
    assert (found["version"], found["key_id"]) == (MINE.version, KEY.key_id)
    answer(send(client, "GET", f"/firmware/releases/{THEIRS.release_id}", "viewer"), 404)
    answer(send(client, "GET", "/firmware/releases/rel-1", "viewer"), 400)


# --- starting a rollout --------------------------------------------------------------------------


def test_an_operator_starts_a_rollout_and_its_first_wave_is_offered(client, ports):
    rollout = answer(start(client), 201)
    assert (rollout["state"], rollout["wave"], rollout["wave_ends"]) == ("running", 0, [2, 20])
    assert rollout["rollout_id"].startswith("ro-")
    assert rollout["gate"]["soak_time"] == "PT10M"
    offered = ports.offers.sent
    assert len(offered) == 2
    assert {org for org, _, _ in offered} == {ORG}
    assert all(offer.release_id == MINE.release_id for _, _, offer in offered)


def test_a_viewer_cannot_start_a_rollout(client, ports):
    answer(start(client, role="viewer"), 403)
    assert ports.offers.sent == []


def test_a_rollout_of_another_organizations_release_is_not_found(client, ports):
    answer(start(client, release_id=THEIRS.release_id), 404)
    assert ports.offers.sent == []


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"target": {}}, "name at least one device id, group or tag"),
        ({"target": {"device_ids": ["valve-001", "pump-other"]}}, "no pump-v2 devices"),
        ({"release_id": EXPIRED.release_id}, "expired"),
        ({"plan": {"percents": [50, 90]}}, "the last percent must be 100"),
        ({"plan": {"percents": [10], "sizes": [1]}}, "either percents or sizes"),
        ({"gate": {"max_failure_rate": 2}}, "less than or equal to 1"),
        ({"gate": {"on_breach": "explode"}}, "halt"),
        ({"target": {"groups": ["north"], "orgs": ["org2"]}}, "Extra inputs"),
        ({"org_id": OTHER_ORG}, "Extra inputs"),
    ],
)
def test_a_rollout_request_breaking_a_rule_is_refused_precisely(client, ports, change, detail):
    problem = answer(start(client, **change), 422)
    assert detail in json.dumps(problem)
    assert ports.offers.sent == []


# --- reading a rollout ---------------------------------------------------------------------------


def test_a_rollout_shows_its_waves_and_devices_a_page_at_a_time(client, ports):
    rollout_id = started(client)
    progress = answer(send(client, "GET", f"/firmware/rollouts/{rollout_id}", "viewer"), 200)
    assert [(w["wave"], w["size"]) for w in progress["waves"]] == [(0, 2), (1, 18)]
    assert progress["waves"][0]["devices"]["offered"] == 2
    assert progress["waves"][1]["devices"]["pending"] == 18

    path = f"/firmware/rollouts/{rollout_id}/devices"
    first = answer(send(client, "GET", f"{path}?limit=15", "viewer"), 200)
    rest = answer(
        send(client, "GET", f"{path}?limit=15&cursor={first['next_cursor']}", "viewer"), 200
    )
    ids = [d["device_id"] for d in first["items"] + rest["items"]]
    assert ids == [f"pump-{i:03}" for i in range(20)]
    offered = answer(send(client, "GET", f"{path}?state=offered", "viewer"), 200)
    assert len(offered["items"]) == 2
    answer(send(client, "GET", f"{path}?state=exploded", "viewer"), 400)


def test_rollouts_are_listed_by_state(client, ports):
    rollout_id = started(client)
    theirs(ports)
    running = answer(send(client, "GET", "/firmware/rollouts?state=running", "viewer"), 200)
    assert [r["rollout_id"] for r in running["items"]] == [rollout_id]
    paused = answer(send(client, "GET", "/firmware/rollouts?state=paused", "viewer"), 200)
    assert paused["items"] == []


def test_rollouts_are_listed_by_release_and_never_another_organizations(client, ports):
    first = started(client)
    answer(send(client, "POST", f"/firmware/rollouts/{first}/cancel"), 200)
    second = answer(start(client, release_id=NEWER.release_id), 201)["rollout_id"]
    theirs(ports)
    listed = {
        release: [
            r["rollout_id"]
            for r in answer(
                send(client, "GET", f"/firmware/rollouts?release_id={release}", "viewer"), 200
            )["items"]
        ]
        for release in (MINE.release_id, NEWER.release_id, THEIRS.release_id)
    }
    assert listed == {MINE.release_id: [first], NEWER.release_id: [second], THEIRS.release_id: []}
    answer(send(client, "GET", "/firmware/rollouts?release_id=rel-1", "viewer"), 400)


# --- pause, resume, cancel -----------------------------------------------------------------------


def test_pause_resume_and_cancel_move_the_rollout_and_a_wrong_move_is_a_conflict(client, ports):
    rollout_id = started(client)
    base = f"/firmware/rollouts/{rollout_id}"
    assert answer(send(client, "POST", f"{base}/pause"), 200)["state"] == "paused"
    assert "cannot pause" in answer(send(client, "POST", f"{base}/pause"), 409)["detail"]
    assert answer(send(client, "POST", f"{base}/resume"), 200)["state"] == "running"
    assert answer(send(client, "POST", f"{base}/cancel"), 200)["state"] == "cancelled"
    assert "cannot resume" in answer(send(client, "POST", f"{base}/resume"), 409)["detail"]
    answer(send(client, "POST", f"{base}/cancel"), 409)


@pytest.mark.parametrize("move", ["pause", "resume", "cancel"])
def test_a_viewer_cannot_move_a_rollout(client, ports, move):
    rollout_id = started(client)
    answer(send(client, "POST", f"/firmware/rollouts/{rollout_id}/{move}", "viewer"), 403)
    assert ports.rollouts.get(ORG, rollout_id).state == "running"


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("GET", "/devices"),
        ("POST", "/pause"),
        ("POST", "/resume"),
        ("POST", "/cancel"),
        ("POST", "/devices/pump-other/offer"),
    ],
)
def test_another_organizations_rollout_is_not_found(client, ports, method, suffix):
    rollout_id = theirs(ports)
    before = ports.rollouts.get(OTHER_ORG, rollout_id)
    answer(send(client, method, f"/firmware/rollouts/{rollout_id}{suffix}"), 404)
    assert ports.rollouts.get(OTHER_ORG, rollout_id) == before


def test_a_malformed_rollout_id_is_a_bad_request(client, ports):
    answer(send(client, "GET", "/firmware/rollouts/ro-1", "viewer"), 400)


# --- offer renewal -------------------------------------------------------------------------------


def test_an_offered_device_gets_a_fresh_offer_and_others_are_refused(client, ports):
    rollout_id = started(client)
    offered = ports.offers.devices()[0]
    pending = next(
        f"pump-{i:03}" for i in range(20) if f"pump-{i:03}" not in ports.offers.devices()
    )
    base = f"/firmware/rollouts/{rollout_id}/devices"
    offer = answer(send(client, "POST", f"{base}/{offered}/offer"), 200)
    assert (offer["release_id"], offer["rollout_id"]) == (MINE.release_id, rollout_id)
    assert ports.offers.devices().count(offered) == 2
    assert (
        "no offer to renew"
        in answer(send(client, "POST", f"{base}/{pending}/offer"), 409)["detail"]
    )
    answer(send(client, "POST", f"{base}/valve-001/offer"), 404)
    answer(send(client, "POST", f"{base}/{offered}/offer", "viewer"), 403)
