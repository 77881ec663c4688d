"""Every refusal of the issue through the real broker: an offer that reaches a device (published
with the bridge's identity, the only one allowed on offer topics, as a compromised bucket or
platform would) is refused by the device agent with its code, reported over MQTT, through the
bridge and the queue, and shown per device by the API, while the device keeps its version."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from paho.mqtt.enums import CallbackAPIVersion

from iotsphere.adapters.aws import aws_client
from iotsphere.adapters.file_manifest_signer import FileManifestSigner
from iotsphere.adapters.s3_firmware_images import S3FirmwareImages
from iotsphere.domain.devices import topics
from iotsphere.domain.devices.messages import ProvisioningPackage
from iotsphere.domain.firmware.manifest import FirmwareManifest, canonical_bytes
from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.domain.firmware.signatures import SignedManifest, key_id_of
from iotsphere.local.secrets import BRIDGE_USER, FIRMWARE_KEY_FILE, mqtt_credentials
from iotsphere.simulator.device_agents import AgentOptions, SimulatedAgent
from tests.e2e.firmware.harness import (
    START_VERSION,
    WAIT_S,
    BrokerClient,
    decommission,
    eventually,
    new_family,
    onboard,
    publish_release,
    rollout_devices,
    start_rollout,
)

pytestmark = pytest.mark.e2e

IMAGE = bytes(range(256)) * 64
OTHER_IMAGE = bytes(reversed(range(256))) * 80
OUTCOMES = {  # case: (state, code) as the API shows the device
    "unsigned": ("failed", "unsigned"),
    "wrong_key": ("failed", "wrong_key"),
    "bad_signature": ("failed", "bad_signature"),
    "hash_mismatch": ("failed", "hash_mismatch"),
    "truncated": ("failed", "truncated"),
    "wrong_device_type": ("failed", "wrong_device_type"),
    "older_version": ("failed", "anti_rollback"),
    "same_version": ("healthy", "anti_rollback"),  # already runs the release: counted healthy
    "expired": ("failed", "expired"),
    "oversize": ("failed", "oversize"),
    "release_mismatch": ("failed", "release_mismatch"),
    "other_release_image": ("failed", "release_mismatch"),
}
CASES = tuple(OUTCOMES)


class GenuineOffer:
    """The device's own first connection, clean (no session kept), to receive the platform's
    offer; the agent connects afterwards, so only the offers of the test reach it."""

    def __init__(self, package: ProvisioningPackage, port: int) -> None:
        self.offer: FirmwareOffer | None = None
        self.arrived = threading.Event()
        self.subscribed = threading.Event()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=package.client_id, protocol=mqtt.MQTTv5
        )
        self.client.username_pw_set(package.username, package.password)
        topic = topics.firmware_offer(package.device_id)
        self.client.on_connect = lambda client, *_: client.subscribe(topic, qos=1)
        self.client.on_subscribe = lambda *_: self.subscribed.set()
        self.client.on_message = self._arrive
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _arrive(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        self.offer = FirmwareOffer.model_validate_json(message.payload)
        self.arrived.set()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class Tamperer:
    """Makes the offers of each case from the genuine one: manifests signed with the stack's
    key (or another), images replaced in the bucket."""

    def __init__(self, stack, genuine: FirmwareOffer, other: dict[str, Any]) -> None:
        self.genuine = genuine
        self.other = other
        self.signer = FileManifestSigner.from_file(stack.home.root / FIRMWARE_KEY_FILE)
        settings = stack.settings
        self.images = S3FirmwareImages(aws_client("s3", settings), settings.firmware_bucket)
        self.s3 = aws_client("s3", settings)
        self.bucket = settings.firmware_bucket
        self.manifest = FirmwareManifest.model_validate_json(genuine.signed.manifest)

    def signed(self, **changes: Any) -> SignedManifest:
        manifest = self.manifest.model_copy(update=changes)
        return SignedManifest.of(
            manifest, self.signer.key_id, self.signer.sign(canonical_bytes(manifest))
        )

    def served(self, data: bytes) -> str:
        """A URL that serves ``data`` in place of the release's image."""
        key = f"tampered/{uuid.uuid4().hex}/image.bin"
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=data)
        return self.images.download_url(key, timedelta(minutes=15))

    def offer(self, case: str) -> FirmwareOffer:
        now = datetime.now(tz=UTC)
        genuine = self.genuine
        changes: dict[str, Any] = {}
        if case == "unsigned":
            changes["signed"] = SignedManifest(manifest=genuine.signed.manifest)
        elif case == "wrong_key":
            private = Ed25519PrivateKey.generate()
            public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            text = canonical_bytes(self.manifest)
            changes["signed"] = SignedManifest.of(
                self.manifest, key_id_of(public), private.sign(text)
            )
        elif case == "bad_signature":
            edited = json.loads(genuine.signed.manifest) | {"image_size": len(IMAGE) + 1}
            forged = json.dumps(edited, sort_keys=True, separators=(",", ":"))
            changes["signed"] = genuine.signed.model_copy(update={"manifest": forged})
        elif case == "hash_mismatch":
            changes["image_url"] = self.served(IMAGE[::-1])
        elif case == "truncated":
            changes["image_url"] = self.served(IMAGE[:-100])
        elif case == "oversize":
            changes["image_url"] = self.served(IMAGE + bytes(100))
        elif case == "wrong_device_type":
            changes["signed"] = self.signed(firmware_family=f"other-{uuid.uuid4().hex[:6]}")
        elif case == "older_version":
            changes["signed"] = self.signed(version="0.9.0")
        elif case == "expired":
            past = now.replace(microsecond=0)
            changes["signed"] = self.signed(
                created_at=past - timedelta(days=2), expires_at=past - timedelta(days=1)
            )
        elif case == "release_mismatch":  # another release's manifest with this one's image
            changes["signed"] = SignedManifest.model_validate(self.other["signed"])
        elif case == "other_release_image":  # this release's manifest with another's image
            key = self.other["image_key"]
            changes["image_key"] = key
            changes["image_url"] = self.images.download_url(key, timedelta(minutes=15))
        return genuine.model_copy(update=changes)


def test_every_refusal_is_reported_with_its_code_and_the_device_keeps_its_version(
    org, firmware_stack, trusted
):
    family, type_id = new_family(org)
    packages = onboard(org, type_id, len(CASES), groups=["refusing"])
    release = publish_release(org, family, "1.3.0", IMAGE)
    other = publish_release(org, family, "1.4.0", OTHER_IMAGE)
    port = firmware_stack.config.services.mosquitto.port
    case_of = {p.device_id: case for p, case in zip(packages, CASES, strict=True)}
    agents: list[SimulatedAgent] = []
    bridge = BrokerClient(port, *mqtt_credentials(firmware_stack.home.root, BRIDGE_USER))
    try:
        listeners = [GenuineOffer(package, port) for package in packages]
        for listener in listeners:
            assert listener.subscribed.wait(WAIT_S)
        body = {"target": {"groups": ["refusing"]}, "plan": {"percents": [100]}}
        body["gate"] = {"soak_time": "PT1H", "max_failure_rate": 1.0}
        rollout = start_rollout(org, release, **body)
        for listener in listeners:
            assert listener.arrived.wait(WAIT_S), "the platform's offer did not arrive"
            listener.close()
        # The listeners took the genuine offers in the devices' names; a running rollout would
        # offer them again at each agent's birth (a lost offer), so the agents below must see
        # only the tampered ones: a paused rollout offers nothing new, and still records reports.
        paused = org.operator.post(f"/v1/firmware/rollouts/{rollout['rollout_id']}/pause")
        assert paused.status_code == 200, paused.text
        genuine = listeners[0].offer
        assert genuine is not None
        tamperer = Tamperer(firmware_stack, genuine, other)
        for package in packages:
            case = case_of[package.device_id]
            version = "1.3.0" if case == "same_version" else START_VERSION
            options = AgentOptions(trusted=trusted, firmware_version=version)
            agents.append(SimulatedAgent(package, family, options))
            agents[-1].start()
        for package in packages:
            offer = tamperer.offer(case_of[package.device_id])
            bridge.publish(topics.firmware_offer(package.device_id), offer.model_dump_json())
        devices = eventually(
            lambda: rollout_devices(org, rollout["rollout_id"]),
            lambda ds: all(d["code"] for d in ds),
            "every device reported its refusal",
        )
        seen = {case_of[d["device_id"]]: (d["state"], d["code"]) for d in devices}
        assert seen == OUTCOMES
        assert all(d["detail"] for d in devices)
        for agent in agents:
            expected = "1.3.0" if case_of[agent.device_id] == "same_version" else START_VERSION
            assert (agent.firmware_version, agent.slot.booted) == (expected, False)
    finally:
        bridge.close()
        for agent in agents:
            agent.stop()
        decommission(org, packages)
