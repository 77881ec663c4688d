"""The Firmware API on the real stack: an image PUT through an upload ticket into LocalStack, signed
by the firmware signing function (the runner consumes the bucket's notifications), a rollout over
devices onboarded through the Device API, paused, resumed and cancelled; another organization's
release and rollout are not found."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import paho.mqtt.client as mqtt
import pytest
import requests
from paho.mqtt.enums import CallbackAPIVersion

from tests.e2e.api.client import Organization

pytestmark = pytest.mark.e2e

IMAGE = bytes(range(256)) * 64
SIGNING_WAIT_S = 120
DELIVERY_WAIT_S = 60
FLEET = 10


def onboard(org: Organization, family: str, count: int, groups: list[str]) -> list[dict]:
    type_id = f"{family}-type"
    kind = {"id": type_id, "name": f"{family} device", "firmware_family": family}
    created = org.operator.post("/v1/device-types", json=kind)
    assert created.status_code == 201, created.text
    devices = [
        {"name": f"{family}-{i}", "device_type": type_id, "groups": groups} for i in range(count)
    ]
    answer = org.operator.post("/v1/devices/batch", json={"devices": devices})
    assert answer.status_code == 201, answer.text
    return sorted(answer.json()["items"], key=lambda package: package["device_id"])


class OfferListener:
    """One onboarded device on the real broker, with its own credentials, subscribed to its
    firmware offers (QoS 1) and keeping what arrives."""

    def __init__(self, package: dict[str, Any], port: int) -> None:
        self.device_id = package["device_id"]
        self.offers: list[dict[str, Any]] = []
        self.subscribed = threading.Event()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=package["client_id"], protocol=mqtt.MQTTv5
        )
        self.client.username_pw_set(package["username"], package["password"])
        topic = f"devices/{self.device_id}/firmware/offer"
        self.client.on_connect = lambda client, *_: client.subscribe(topic, qos=1)
        self.client.on_subscribe = lambda *_: self.subscribed.set()
        self.client.on_message = lambda _c, _u, message: self.offers.append(
            json.loads(message.payload)
        )
        self.client.connect("127.0.0.1", port)  # the test stack's broker
        self.client.loop_start()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture(scope="module")
def family() -> str:
    return f"pump-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def packages(org_a: Organization, family: str) -> list[dict]:
    """Ten pumps of the release's family in group north, and a valve of another family there."""
    pumps = onboard(org_a, family, FLEET, ["north"])
    onboard(org_a, f"valve-{uuid.uuid4().hex[:8]}", 1, ["north"])
    return pumps


@pytest.fixture(scope="module")
def fleet(packages: list[dict]) -> list[str]:
    return [package["device_id"] for package in packages]


@pytest.fixture(scope="module")
def listeners(platform, packages: list[dict]) -> Iterator[dict[str, OfferListener]]:
    port = platform.config.services.mosquitto.port
    devices = {package["device_id"]: OfferListener(package, port) for package in packages}
    try:
        for listener in devices.values():
            assert listener.subscribed.wait(30), f"{listener.device_id} could not subscribe"
        yield devices
    finally:
        for listener in devices.values():
            listener.close()


@pytest.fixture(scope="module")
def release(platform, org_a: Organization, family: str) -> dict:
    body = {"firmware_family": family, "version": "1.3.0", "file_name": "pump.bin"}
    ticket = org_a.admin.post("/v1/firmware/uploads", json=body)
    assert ticket.status_code == 201, ticket.text
    put = requests.put(ticket.json()["upload_url"], data=IMAGE, timeout=30)
    assert put.status_code == 200, put.text
    deadline = time.monotonic() + SIGNING_WAIT_S
    while time.monotonic() < deadline:
        listed = org_a.viewer.get("/v1/firmware/releases", params={"firmware_family": family})
        assert listed.status_code == 200, listed.text
        if listed.json()["items"]:
            return dict(listed.json()["items"][0])
        time.sleep(1)
    pytest.fail(f"no release signed {SIGNING_WAIT_S} s after the upload (is the runner up?)")


def test_the_uploaded_image_becomes_a_signed_release_of_its_organization(org_a, family, release):
    assert release["image_key"] == f"firmware/{org_a.org_id}/{family}/1.3.0/pump.bin"
    assert (release["image_sha256"], release["image_size"]) == (
        hashlib.sha256(IMAGE).hexdigest(),
        len(IMAGE),
    )
    assert release["signed"]["signature"]["algorithm"] == "ed25519"
    one = org_a.viewer.get(f"/v1/firmware/releases/{release['release_id']}")
    assert one.status_code == 200, one.text
    assert one.json() == release


def test_a_released_version_gets_no_second_upload_ticket(org_a, family, release):
    body = {"firmware_family": family, "version": "1.3.0", "file_name": "other.bin"}
    answer = org_a.admin.post("/v1/firmware/uploads", json=body)
    assert answer.status_code == 409, answer.text


def test_only_an_admin_gets_an_upload_ticket(org_a, family):
    body = {"firmware_family": family, "version": "9.0.0", "file_name": "pump.bin"}
    assert org_a.operator.post("/v1/firmware/uploads", json=body).status_code == 403


@pytest.fixture(scope="module")
def rollout(org_a: Organization, release: dict, listeners: dict[str, OfferListener]) -> dict:
    body = {
        "release_id": release["release_id"],
        "target": {"groups": ["north"]},
        "plan": {"percents": [20, 100]},
        "gate": {"soak_time": "PT1H"},  # the runner's sweep keeps it in its first wave
    }
    answer = org_a.operator.post("/v1/firmware/rollouts", json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_a_rollout_reaches_the_families_devices_of_the_group_in_waves(org_a, fleet, rollout):
    assert (rollout["state"], rollout["wave_ends"]) == ("running", [2, FLEET])
    path = f"/v1/firmware/rollouts/{rollout['rollout_id']}"
    progress = org_a.viewer.get(path)
    assert progress.status_code == 200, progress.text
    waves = progress.json()["waves"]
    assert [(w["size"], w["devices"]["offered"]) for w in waves] == [(2, 2), (8, 0)]
    first = org_a.viewer.get(f"{path}/devices", params={"limit": 6}).json()
    rest = org_a.viewer.get(f"{path}/devices", params={"cursor": first["next_cursor"]}).json()
    assert [d["device_id"] for d in first["items"] + rest["items"]] == fleet
    listed = org_a.viewer.get("/v1/firmware/rollouts", params={"state": "running"}).json()
    assert rollout["rollout_id"] in [r["rollout_id"] for r in listed["items"]]


def test_the_first_waves_devices_get_the_signed_offer_through_the_bridge(
    org_a, release, rollout, listeners
):
    first_wave = {
        d["device_id"]
        for d in org_a.viewer.get(
            f"/v1/firmware/rollouts/{rollout['rollout_id']}/devices", params={"state": "offered"}
        ).json()["items"]
    }
    assert len(first_wave) == 2
    deadline = time.monotonic() + DELIVERY_WAIT_S
    while time.monotonic() < deadline and not all(listeners[d].offers for d in first_wave):
        time.sleep(0.5)
    for device_id in first_wave:
        assert listeners[device_id].offers, f"no offer reached {device_id} (is the bridge up?)"
        offer = listeners[device_id].offers[0]  # QoS 1: a second copy may come
        assert (offer["rollout_id"], offer["release_id"]) == (
            rollout["rollout_id"],
            release["release_id"],
        )
        assert offer["signed"] == release["signed"]
        image = requests.get(offer["image_url"], timeout=30)
        assert (image.status_code, image.content) == (200, IMAGE)
    assert [d for d, listener in listeners.items() if listener.offers and d not in first_wave] == []


def test_a_rollout_is_paused_resumed_and_cancelled_once(org_a, rollout):
    path = f"/v1/firmware/rollouts/{rollout['rollout_id']}"
    assert org_a.viewer.post(f"{path}/pause").status_code == 403
    moves = [("pause", 200, "paused"), ("pause", 409, None), ("resume", 200, "running")]
    moves += [("cancel", 200, "cancelled"), ("resume", 409, None)]
    for move, status, state in moves:
        answer = org_a.operator.post(f"{path}/{move}")
        assert answer.status_code == status, (move, answer.text)
        if state:
            assert answer.json()["state"] == state
    assert org_a.viewer.get(path).json()["rollout"]["state"] == "cancelled"


def test_another_organizations_release_and_rollout_are_not_found(org_a, org_b, release, rollout):
    release_path = f"/v1/firmware/releases/{release['release_id']}"
    rollout_path = f"/v1/firmware/rollouts/{rollout['rollout_id']}"
    assert org_b.viewer.get(release_path).status_code == 404
    assert org_b.viewer.get(rollout_path).status_code == 404
    assert org_b.viewer.get(f"{rollout_path}/devices").status_code == 404
    for move in ("pause", "resume", "cancel"):
        assert org_b.operator.post(f"{rollout_path}/{move}").status_code == 404
    theirs = {"release_id": release["release_id"], "target": {"groups": ["north"]}}
    assert org_b.operator.post("/v1/firmware/rollouts", json=theirs).status_code == 404
    assert org_b.viewer.get("/v1/firmware/releases").json()["items"] == []
