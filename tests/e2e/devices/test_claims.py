"""Provisioning by claim through the real parts: a factory device with the shared claim credential
and an allowlisted serial gets its identity and connects with it; a replay gets the same identity
(one per serial, ever), another key and an unlisted serial are refused; and the claim credential
reaches nothing but the provisioning topics, judged by what the broker delivers."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from iotsphere.agent import ClaimError, claim_identity
from iotsphere.agent.paho_transport import PahoTransport
from iotsphere.domain.devices import topics
from iotsphere.domain.devices.claim_sealing import public_key_of
from iotsphere.domain.devices.messages import BrokerEndpoint, ClaimRequest, ProvisioningPackage
from iotsphere.local.secrets import CLAIM_USER, mqtt_credentials
from iotsphere.local.stack import Stack
from tests.e2e.api.client import Organization
from tests.e2e.devices.conftest import Fleet
from tests.e2e.devices.lifecycle import (
    Watcher,
    device_of,
    ok,
    shadow_of,
    wait_command,
    wait_status,
)
from tests.integration.test_mosquitto_dynsec import Probe

pytestmark = pytest.mark.e2e


@pytest.fixture
def claim_login(lifecycle: Stack) -> tuple[str, str]:
    return mqtt_credentials(lifecycle.home.root, CLAIM_USER)


def claim(
    serial: str, port: int, login: tuple[str, str], key: X25519PrivateKey
) -> ProvisioningPackage:
    """What a factory device does: claim with the shared credential (client id fixed)."""
    endpoint = BrokerEndpoint(host="127.0.0.1", port=port)
    return claim_identity(serial, PahoTransport(endpoint, CLAIM_USER, *login), key)


def allow(org: Organization, device_type: str, *serials: str) -> None:
    body = {"device_type": device_type, "serials": list(serials)}
    ok(org.admin.post("/v1/claims/serials", json=body), 201)


def test_a_factory_device_claims_one_identity_however_often_it_replays(
    org: Organization, device_type: str, fleet: Fleet, broker_port: int, claim_login
) -> None:
    serial = f"SN-{uuid.uuid4().hex[:10]}"
    allow(org, device_type, serial)
    key = X25519PrivateKey.generate()
    package = claim(serial, broker_port, claim_login, key)
    device = fleet.adopt(package)
    device.start()
    claimed = wait_status(org.viewer, device.id, "online")
    assert (claimed["serial"], claimed["device_type"]) == (serial, device_type)

    replayed = claim(serial, broker_port, claim_login, key)  # the device lost the answer
    assert replayed.device_id == package.device_id
    assert replayed.password != package.password
    device.stop()
    fleet.adopt(replayed).start()
    wait_status(org.viewer, device.id, "online")

    with pytest.raises(ClaimError, match="claimed already"):
        claim(serial, broker_port, claim_login, X25519PrivateKey.generate())
    found = ok(org.viewer.get("/v1/devices", params={"serial": serial}))["items"]
    assert [d["id"] for d in found] == [package.device_id]


def test_a_serial_not_on_the_allowlist_is_refused(
    org: Organization, broker_port: int, claim_login
) -> None:
    serial = f"SN-{uuid.uuid4().hex[:10]}"
    with pytest.raises(ClaimError, match="not on an allowlist"):
        claim(serial, broker_port, claim_login, X25519PrivateKey.generate())
    assert ok(org.viewer.get("/v1/devices", params={"serial": serial}))["items"] == []


@pytest.fixture
def intruder(broker_port: int, claim_login) -> Iterator[Probe]:
    """The claim credential in the hands of someone who wants more than a claim."""
    probe = Probe(broker_port, *claim_login, client_id=CLAIM_USER)
    assert probe.connected()
    yield probe
    probe.close()


def test_the_claim_credential_reaches_only_the_provisioning_topics(
    org: Organization,
    device_type: str,
    fleet: Fleet,
    watcher: Watcher,
    intruder: Probe,
) -> None:
    device = fleet.onboard(device_type)
    device.start()
    wait_status(org.viewer, device.id, "online")
    for topic_filter in ("#", "devices/#", topics.command(device.id, "+"), "$SYS/#"):
        intruder.subscribe(topic_filter)  # granted or not: what counts is what arrives
    inbound = [topics.status(device.id), topics.reported_config(device.id)]
    inbound += [topics.telemetry(device.id), topics.command_result(device.id, "+")]
    watcher.subscribe(*inbound, topics.claim_request("+"))

    forged = {
        topics.status(device.id): {"state": "offline", "session": "forged"},
        topics.reported_config(device.id): {"reported_version": 999, "state": {"forged": 1}},
        topics.telemetry(device.id): {"ts": "2026-11-27T03:00:00Z", "metrics": {"forged": 1}},
        topics.command_result(device.id, "forged00"): {
            "command_id": "forged00",
            "status": "failed",
        },
    }
    for topic, payload in forged.items():
        intruder.publish(topic, json.dumps(payload).encode())
    marker = f"SN-marker-{uuid.uuid4().hex[:8]}"  # an unlisted serial: refused, and answered
    intruder.subscribe(topics.claim_response(marker))
    request = ClaimRequest(
        serial=marker,
        nonce=secrets.token_urlsafe(16),
        public_key=public_key_of(X25519PrivateKey.generate()),
    )
    intruder.publish(topics.claim_request(marker), request.model_dump_json().encode())

    command = ok(
        org.operator.post(
            f"/v1/devices/{device.id}/commands", json={"name": "ping", "parameters": {"n": 1}}
        ),
        201,
    )
    wait_command(org.viewer, command["id"], "SUCCEEDED")  # delivered to the device itself
    watcher.wait(lambda: watcher.on(topics.claim_request(marker)), "the marker claim")
    assert intruder.wait_until(
        lambda: any(t == topics.claim_response(marker) for t, _ in intruder.received)
    ), "the platform's answer to the marker claim"
    assert watcher.on(topics.status(device.id)), "the watcher receives the device's own status"
    assert not [m.topic for m in watcher.received if b"forged" in m.payload]
    assert not [t for t, _ in intruder.received if not t.startswith("provisioning/claims/")]

    shown = device_of(org.viewer, device.id)
    assert shown["status"] == "online"
    assert "forged" not in {e["session"] for e in shown["connection_history"]}
    assert "forged" not in shadow_of(org.viewer, device.id)["reported"]
