"""``iotsphere simulate --register-as``: the simulator onboards its fleet in the user's
organization and every simulated device connects as itself running the device agent; its
telemetry arrives under its own identity, and a firmware rollout to it completes."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from iotsphere.domain.firmware.rollout import RolloutState
from tests.e2e.firmware.harness import (
    drive,
    eventually,
    ok,
    publish_release,
    registry_versions,
    rollout_devices,
    start_rollout,
    stopped,
)

pytestmark = pytest.mark.e2e

DEVICES = 4


def simulate(stack, email: str, prefix: str, log: Path) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "iotsphere"),
        "simulate",
        *("--config", str(stack.config_path), "--home", str(stack.home.root)),
        *("--devices", str(DEVICES), "--rate", "1", "--duration", "300", "--prefix", prefix),
        *("--register-as", email, "--log-every", "30"),
    ]
    out = log.open("wb")
    return subprocess.Popen(command, env=dict(stack.env), stdout=out, stderr=subprocess.STDOUT)


def test_the_simulators_devices_connect_as_themselves_and_take_a_rollout(
    org, firmware_stack, rollout_ports, tmp_path
):
    prefix = f"sim{uuid.uuid4().hex[:6]}"
    simulator = simulate(firmware_stack, org.admin_email, prefix, tmp_path / "simulator.log")
    devices: list[dict[str, Any]] = []
    try:
        devices = eventually(
            lambda: ok(org.viewer.get("/v1/devices", params={"tags": "simulated"}))["items"],
            lambda ds: len(ds) == DEVICES and all(d["status"] == "online" for d in ds),
            "the simulated devices online",
            timeout_s=90,
        )
        assert {d["id"] for d in devices} == {f"{prefix}-{n:04d}" for n in range(1, DEVICES + 1)}
        device = devices[0]
        path = f"/v1/devices/{device['id']}/telemetry"
        eventually(
            lambda: ok(org.viewer.get(path, params={"metric": "temperature"}))["points"],
            bool,
            "its telemetry stored",
        )
        family = device["device_type"]  # a simulated kind's type id is its firmware family
        release = publish_release(org, family, "1.1.0", bytes(range(256)) * 16)
        same_kind = [d["id"] for d in devices if d["device_type"] == family]
        body = {"target": {"device_ids": same_kind}, "plan": {"percents": [100]}}
        rollout = start_rollout(org, release, **body, gate={"soak_time": "PT0S"})
        final = drive(rollout_ports, org.org_id, rollout["rollout_id"], stopped, "completed")
        assert final.state is RolloutState.COMPLETED, final.reason
        done = eventually(
            lambda: rollout_devices(org, rollout["rollout_id"]),
            lambda ds: all(d["state"] == "healthy" for d in ds),
            "every simulated device of the family healthy",
        )
        assert sorted(d["device_id"] for d in done) == sorted(same_kind)
        eventually(  # each rebooted into it: its birth told the registry
            lambda: registry_versions(org, tags="simulated"),
            lambda versions: {versions[d] for d in same_kind} == {"1.1.0"},
            "the registry shows the new version",
        )
    finally:
        simulator.terminate()
        simulator.wait(60)
        print((tmp_path / "simulator.log").read_text()[-3000:])
        for device in devices:
            org.admin.post(f"/v1/devices/{device['id']}/decommission")
