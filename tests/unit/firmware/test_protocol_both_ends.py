"""The firmware protocol from both ends, in memory: an upload is signed, a rollout offers it wave by
wave, simulated agents verify, install and report, and the gate halts a wave that goes bad."""

from dataclasses import replace
from datetime import timedelta

import pytest

from iotsphere.domain.firmware.offer import FirmwareOffer
from iotsphere.domain.firmware.rollout import HealthGate, RolloutState, RolloutTarget
from iotsphere.domain.firmware.signatures import TrustedKey
from iotsphere.domain.firmware.updater import apply_offer
from iotsphere.domain.firmware.verification import DeviceFirmware
from iotsphere.services.firmware.ports import RolloutPorts
from iotsphere.services.firmware.reports import record_device_report
from iotsphere.services.firmware.rollouts import (
    RolloutRequest,
    advance_rollout,
    start_rollout,
)
from iotsphere.services.firmware.signing import SigningPolicy, SigningPorts, sign_image
from tests.unit.firmware.factories import IMAGE, IMAGE_KEY, NOW, KeyPair
from tests.unit.firmware.fakes import (
    FakeDirectory,
    FakeImages,
    FakeOffers,
    FakeReleases,
    FakeRollouts,
    FakeTargets,
)

SOAK = timedelta(minutes=5)


class Signer:
    def __init__(self) -> None:
        self.pair = KeyPair()
        self.key_id = self.pair.key_id

    def sign(self, message: bytes) -> bytes:
        return self.pair.private.sign(message)

    def public_key(self) -> bytes:
        return self.pair.public


class Slot:
    def __init__(self, healthy: bool) -> None:
        self.healthy = healthy

    def write(self, chunk: bytes) -> None:
        pass

    def activate(self) -> None:
        pass

    def health_check(self) -> str | None:
        return None if self.healthy else "no telemetry after boot"

    def rollback(self) -> None:
        pass


class SimulatedAgent:
    """A device running the agent's update over an in-memory slot, fetching from the bucket."""

    def __init__(self, device_id: str, trusted: list[TrustedKey]) -> None:
        self.device_id = device_id
        self.firmware = DeviceFirmware(
            org_id="acme",
            firmware_family="pump-v2",
            current_version="1.2.9",
            max_image_bytes=1 << 20,
        )
        self.trusted = trusted
        self.healthy = True
        self.corrupt_download = False

    def fetch(self, images: FakeImages):
        def chunks(url: str) -> list[bytes]:
            data = images.objects[url.split("https://fake/")[1].split("?")[0]]
            return [data[::-1] if self.corrupt_download else data]

        return chunks

    def handle(self, offer: FirmwareOffer, images: FakeImages) -> list[str]:
        """The report payloads this device sends for one offer."""
        outcome = apply_offer(
            offer,
            self.device_id,
            self.firmware,
            self.trusted,
            self.fetch(images),
            Slot(self.healthy),
            lambda: NOW,
        )
        self.firmware = replace(self.firmware, current_version=outcome.running_version)
        return [report.model_dump_json() for report in outcome.reports]


@pytest.fixture
def platform():
    images = FakeImages()
    images.upload(IMAGE_KEY, IMAGE)
    releases = FakeReleases()
    signer = Signer()
    release = sign_image(IMAGE_KEY, SigningPorts(images, releases, signer, SigningPolicy()), NOW)
    targets = FakeTargets()
    for i in range(200):
        targets.add(f"pump-{i:03}", groups=("field",))
    ports = RolloutPorts(
        releases=releases,
        rollouts=FakeRollouts(),
        targets=targets,
        images=images,
        offers=FakeOffers(),
    )
    trusted = [TrustedKey.of(signer.public_key())]
    agents = {device_id: SimulatedAgent(device_id, trusted) for device_id in targets.devices}
    return release, ports, agents


def deliver(ports: RolloutPorts, agents: dict[str, SimulatedAgent], delivered: int) -> int:
    """Hand the offers sent since ``delivered`` to their agents and feed back their reports."""
    directory = FakeDirectory({device_id: "acme" for device_id in agents})
    sent = ports.offers.sent[delivered:]
    for _, device_id, offer in sent:
        for payload in agents[device_id].handle(offer, ports.images):
            record_device_report(device_id, payload, directory, ports, NOW)
            record_device_report(device_id, payload, directory, ports, NOW)  # redelivered
    return delivered + len(sent)


def test_a_healthy_fleet_is_updated_wave_by_wave(platform):
    release, ports, agents = platform
    gate = HealthGate(max_failure_rate=0.05, soak_time=SOAK)
    request = RolloutRequest(
        release_id=release.release_id, target=RolloutTarget(groups=["field"]), gate=gate
    )
    rollout = start_rollout("acme", request, "ro-1", ports, NOW)
    delivered, now = 0, NOW
    while rollout.state is RolloutState.RUNNING:
        delivered = deliver(ports, agents, delivered)
        now += SOAK
        rollout = advance_rollout("acme", "ro-1", ports, now)
    assert rollout.state is RolloutState.COMPLETED
    assert {a.firmware.current_version for a in agents.values()} == {"1.3.0"}


def test_a_wave_that_goes_bad_halts_the_rollout_and_every_refusal_keeps_the_old_version(platform):
    release, ports, agents = platform
    gate = HealthGate(max_failure_rate=0.05, soak_time=SOAK)
    request = RolloutRequest(
        release_id=release.release_id, target=RolloutTarget(groups=["field"]), gate=gate
    )
    start_rollout("acme", request, "ro-1", ports, NOW)
    delivered = deliver(ports, agents, 0)
    advance_rollout("acme", "ro-1", ports, NOW + SOAK)  # canaries healthy: wave 2 is offered
    wave_two = [device_id for _, device_id, _ in ports.offers.sent[delivered:]]
    agents[wave_two[0]].healthy = False
    agents[wave_two[1]].corrupt_download = True
    agents[wave_two[2]].trusted = [TrustedKey.of(KeyPair().public)]
    deliver(ports, agents, delivered)
    rollout = advance_rollout("acme", "ro-1", ports, NOW + 2 * SOAK)
    assert (rollout.state, rollout.wave) == (RolloutState.HALTED, 1)
    assert rollout.reason == "wave 2: 3 of 18 devices failed (16.7%); the gate allows 5.0%"
    progress = {
        device_id: ports.rollouts.device("acme", "ro-1", device_id) for device_id in wave_two[:3]
    }
    assert [(p.state.value, p.code and p.code.value) for p in progress.values()] == [
        ("rolled_back", None),
        ("failed", "hash_mismatch"),
        ("failed", "wrong_key"),
    ]
    assert [agents[d].firmware.current_version for d in wave_two[:3]] == ["1.2.9"] * 3
    assert len(ports.offers.sent) == 20
