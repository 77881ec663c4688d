"""A fleet of 200 pumps (odd ones in group north, even ones in south), one release, and the
helpers the rollout tests drive it with."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from iotsphere.domain.firmware.progress import FirmwareStatusReport, ProgressState
from iotsphere.domain.firmware.release import Release
from iotsphere.domain.firmware.rollout import HealthGate, Rollout, RolloutTarget
from iotsphere.domain.firmware.waves import WavePlan
from iotsphere.services.firmware.ports import RolloutPorts
from iotsphere.services.firmware.reports import record_status
from iotsphere.services.firmware.rollouts import (
    RolloutRequest,
    start_rollout,
)
from tests.unit.firmware.factories import NOW, KeyPair, manifest
from tests.unit.firmware.fakes import (
    FakeImages,
    FakeOffers,
    FakeReleases,
    FakeRollouts,
    FakeTargets,
)

SOAK = timedelta(minutes=10)
GATE = HealthGate(max_failure_rate=0.1, min_success_count=1, min_success_rate=0.8, soak_time=SOAK)
RELEASE = Release.of(manifest(), KeyPair().sign(manifest()))


def fleet_ports() -> RolloutPorts:
    releases = FakeReleases()
    releases.add(RELEASE)
    targets = FakeTargets()
    for i in range(200):
        targets.add(f"pump-{i:03}", groups=("north",) if i % 2 else ("south",))
    targets.add("valve-1", firmware_family="valve-v1", groups=("north",))
    targets.add("pump-globex", org_id="globex", groups=("north",))
    return RolloutPorts(
        releases=releases,
        rollouts=FakeRollouts(),
        targets=targets,
        images=FakeImages(),
        offers=FakeOffers(),
        url_ttl=timedelta(minutes=15),
    )


def start(ports: RolloutPorts, plan: WavePlan | None = None, **target: Any) -> Rollout:
    request = RolloutRequest(
        release_id=RELEASE.release_id,
        target=RolloutTarget(**(target or {"groups": ["north", "south"]})),
        plan=plan or WavePlan.default(),
        gate=GATE,
    )
    return start_rollout("acme", request, "ro-1", ports, NOW)


def report(device_id: str, state: str, **extra: Any) -> FirmwareStatusReport:
    return FirmwareStatusReport.model_validate(
        {
            "device_id": device_id,
            "rollout_id": "ro-1",
            "release_id": RELEASE.release_id,
            "state": state,
            "at": NOW,
            **extra,
        }
    )


def settle(ports: RolloutPorts, devices: list[str], state: str, **extra: Any) -> None:
    for device_id in devices:
        record_status("acme", report(device_id, state, **extra), ports, NOW)


def offered_in_wave(ports: RolloutPorts, wave: int) -> list[str]:
    rollouts = ports.rollouts
    assert isinstance(rollouts, FakeRollouts)
    return [
        p.device_id
        for p in rollouts.progress.values()
        if p.wave == wave and p.state is not ProgressState.PENDING
    ]
