"""A staged rollout through the real parts: 200 devices, each running the device agent with its
own identity, get a signed release wave by wave (1 % -> 10 % -> 50 % -> 100 %): offers through
the bridge, images from LocalStack S3 through presigned URLs, reports back through the broker,
bridge, queue and handler, per-device status through the API. And a rollout whose second wave
breaches its health gate: its failing devices roll back and say so, the rollout halts, and the
wave after it is offered nothing."""

from __future__ import annotations

import time

import pytest

from iotsphere.domain.firmware.rollout import RolloutState
from iotsphere.simulator.device_agents import AgentOptions
from tests.e2e.firmware.harness import (
    START_VERSION,
    decommission,
    drive,
    eventually,
    new_family,
    onboard,
    publish_release,
    rollout_devices,
    rollout_of,
    running_agents,
    start_rollout,
    stopped,
)

pytestmark = pytest.mark.e2e

FLEET = 200
IMAGE = bytes(range(256)) * 256  # 64 KiB
ROLLOUT_WAIT_S = 150.0


def test_a_staged_rollout_brings_200_devices_to_the_new_version_wave_by_wave(
    org, rollout_ports, trusted
):
    family, type_id = new_family(org)
    packages = onboard(org, type_id, FLEET, groups=["fleet"])
    release = publish_release(org, family, "2.0.0", IMAGE)
    options = AgentOptions(trusted=trusted, firmware_version=START_VERSION)
    try:
        with running_agents(packages, family, options) as agents:
            started = time.monotonic()
            body = {"target": {"groups": ["fleet"]}, "plan": {"percents": [1, 10, 50, 100]}}
            body["gate"] = {"soak_time": "PT0S", "max_failure_rate": 0.05}
            rollout = start_rollout(org, release, **body)
            assert rollout["wave_ends"] == [2, 20, 100, 200]
            waves: list[float] = []

            def advanced(r):
                while len(waves) < r.wave or (stopped(r) and len(waves) < 4):
                    waves.append(round(time.monotonic() - started, 1))
                return stopped(r)

            final = drive(
                rollout_ports,
                org.org_id,
                rollout["rollout_id"],
                advanced,
                "completed",
                ROLLOUT_WAIT_S,
            )
            assert final.state is RolloutState.COMPLETED, final.reason
            devices = eventually(
                lambda: rollout_devices(org, rollout["rollout_id"]),
                lambda ds: all(d["state"] == "healthy" for d in ds),
                "every device healthy",
                ROLLOUT_WAIT_S,  # an offer the bridge could not publish comes again later
            )
            total = round(time.monotonic() - started, 1)
            assert len(devices) == FLEET
            assert {a.device_id for a in agents} == {d["device_id"] for d in devices}
            assert {a.firmware_version for a in agents} == {"2.0.0"}
            progress = rollout_of(org, rollout["rollout_id"])
            assert [w["size"] for w in progress["waves"]] == [2, 18, 80, 100]
            print(f"\n200 devices, waves done at {waves} s, all healthy at {total} s")
    finally:
        decommission(org, packages)


def test_a_wave_that_breaches_the_health_gate_halts_the_rollout_and_later_waves_get_nothing(
    org, rollout_ports, trusted
):
    family, type_id = new_family(org)
    packages = onboard(org, type_id, 20, groups=["gated"])
    release = publish_release(org, family, "2.0.0", IMAGE)
    options = AgentOptions(trusted=trusted, firmware_version=START_VERSION)
    try:
        with running_agents(packages, family, options) as agents:
            body = {"target": {"groups": ["gated"]}, "plan": {"percents": [10, 50, 100]}}
            body["gate"] = {"soak_time": "PT0S", "max_failure_rate": 0.2}
            rollout = start_rollout(org, release, **body)
            rollout_id = rollout["rollout_id"]
            assert rollout["wave_ends"] == [2, 10, 20]
            wave_of = {d["device_id"]: d["wave"] for d in rollout_devices(org, rollout_id)}
            by_id = {agent.device_id: agent for agent in agents}
            failing = sorted(d for d, wave in wave_of.items() if wave == 1)[:3]
            for device_id in failing:
                by_id[device_id].slot.failing = True  # its new firmware will not pass
            final = drive(rollout_ports, org.org_id, rollout_id, stopped, "halted")
            assert final.state is RolloutState.HALTED
            assert final.wave == 1
            assert "wave 2" in (final.reason or ""), final.reason
            rolled_back = eventually(
                lambda: rollout_devices(org, rollout_id, "rolled_back"),
                lambda ds: len(ds) == len(failing),
                "the failing devices rolled back",
            )
            assert sorted(d["device_id"] for d in rolled_back) == failing
            assert all("health check failed" in d["detail"] for d in rolled_back)
            assert {by_id[d].firmware_version for d in failing} == {START_VERSION}
            last_wave = [d for d, wave in wave_of.items() if wave == 2]
            assert drive(rollout_ports, org.org_id, rollout_id, stopped, "halted").wave == 1
            states = {d["device_id"]: d["state"] for d in rollout_devices(org, rollout_id)}
            assert {states[d] for d in last_wave} == {"pending"}
            assert [by_id[d].slot.written for d in last_wave] == [0] * len(last_wave)
            assert {by_id[d].firmware_version for d in last_wave} == {START_VERSION}
            assert rollout_of(org, rollout_id)["rollout"]["state"] == "halted"
    finally:
        decommission(org, packages)
