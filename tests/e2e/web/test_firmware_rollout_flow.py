"""A rollout started in the browser and watched there wave by wave to completion: the devices
are the simulator's (``iotsphere simulate --register-as``), each running the device agent as
itself, so every offer is verified, downloaded from S3, installed, health-checked and reported
by the device, which then reboots into the new version. The test advances the rollout with the
service the runner's schedule calls (the test stack turns that schedule off), one wave at a time,
once the page has shown the previous wave healthy; the operator pauses and resumes on the way."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from iotsphere.domain.firmware.rollout import Rollout, RolloutState
from iotsphere.local.stack import Stack
from iotsphere.services.firmware.ports import RolloutPorts
from iotsphere.services.firmware.rollouts import advance_rollout
from iotsphere.services.identity.ports import IdentityPorts
from iotsphere.simulator.fleet import FleetOptions, build_fleet
from iotsphere.simulator.registration import type_id
from tests.e2e.api.client import ApiClient
from tests.e2e.devices.lifecycle import eventually, ok
from tests.e2e.firmware.harness import (
    drive,
    publish_release,
    registry_versions,
    rollout_devices,
    rollout_of,
)
from tests.e2e.web.harness import FlowRunner, WebOrganization, web_organization
from tests.e2e.web.simulated import simulating

pytestmark = pytest.mark.e2e

SEED = 1435  # the first five devices of this seed's fleet are of one kind: one firmware family
DEVICES = 5
SIZES = "1, 2"  # waves of 1, 2 and the 2 left over
WAVE_ENDS = [1, 3, 5]
IMAGE = bytes(range(256)) * 32


@pytest.fixture
def rollout_org(identity: IdentityPorts, api: ApiClient) -> WebOrganization:
    """An organization of its own: the rollout's tag target finds this test's devices only."""
    return web_organization(identity, api, "Web rollouts")


def test_a_rollout_started_in_the_browser_is_watched_wave_by_wave_to_completion(
    flows: FlowRunner,
    rollout_org: WebOrganization,
    rollout_ports: RolloutPorts,
    platform: Stack,
    tmp_path: Path,
) -> None:
    org = rollout_org.org
    prefix = f"webro{uuid.uuid4().hex[:6]}"
    fleet = build_fleet(FleetOptions(DEVICES, prefix, SEED), time.time())
    (family,) = {type_id(device.profile.device_type) for device in fleet}
    device_ids = sorted(device.device_id for device in fleet)

    def online() -> list[dict[str, Any]]:
        return list(ok(org.viewer.get("/v1/devices", params={"tags": "simulated"}))["items"])

    with simulating(
        platform, rollout_org.emails["admin"], prefix, tmp_path, devices=DEVICES, seed=SEED
    ):
        eventually(
            online,
            lambda ds: len(ds) == DEVICES and all(d["status"] == "online" for d in ds),
            "the simulated devices online",
            timeout_s=90,
        )
        release = publish_release(org, family, "2.0.0", IMAGE)
        inputs = {"release_id": release["release_id"], "tag": "simulated", "sizes": SIZES}
        with flows.for_org(rollout_org).running("firmware-rollout", 300, **inputs) as flow:
            rollout_id = flow.wait_for("started")["rollout_id"]

            def current() -> Rollout:
                return rollout_ports.rollouts.get(org.org_id, rollout_id)

            def past(wave: int) -> Callable[[Rollout], bool]:
                return lambda r: r.wave > wave or r.state is not RolloutState.RUNNING

            for wave in range(len(WAVE_ENDS)):
                flow.wait_for(f"wave_{wave + 1}_healthy")
                if wave == 0:
                    flow.wait_for("paused")
                    now = datetime.now(tz=UTC)  # the schedule's tick leaves a paused rollout be
                    paused = advance_rollout(org.org_id, rollout_id, rollout_ports, now)
                    assert (paused.state, paused.wave) == (RolloutState.PAUSED, 0)
                    flow.send("ticked")
                    flow.wait_for("resumed")
                    resumed_at_wave = current().wave  # resuming judges the gate at once
                # one wave at a time: a tick past a wave already left would start the next one
                if not past(wave)(current()):
                    drive(
                        rollout_ports, org.org_id, rollout_id, past(wave), f"past wave {wave + 1}"
                    )
                flow.send(f"advanced_{wave + 1}")
            result = flow.finish()
        versions = eventually(  # each device rebooted into the update: its birth told the registry
            lambda: registry_versions(org, tags="simulated"),
            lambda found: set(found.values()) == {"2.0.0"},
            "the registry shows the new version on every device",
        )
    result.assert_clean()
    facts = result.facts

    progress = rollout_of(org, rollout_id)
    rollout = progress["rollout"]
    assert rollout["release_id"] == release["release_id"]
    assert rollout["target"]["tags"] == ["simulated"]
    assert (rollout["state"], rollout["wave_ends"]) == ("completed", WAVE_ENDS)
    sizes = [end - start for start, end in zip([0, *WAVE_ENDS], WAVE_ENDS, strict=False)]
    for wave, size in enumerate(sizes):
        counted = {state: n for state, n in progress["waves"][wave]["devices"].items() if n}
        assert counted == {"healthy": size}, (wave, counted)
    finished = rollout_devices(org, rollout_id)
    assert sorted(d["device_id"] for d in finished) == device_ids
    assert {d["state"] for d in finished} == {"healthy"}
    assert sorted(versions) == device_ids

    # the page showed each wave fill in turn while the later ones waited
    def bar(wave: int, done: bool) -> str:
        """A wave's bar as the page labels it, all healthy or all still pending."""
        size = sizes[wave]
        healthy, pending = (size, 0) if done else (0, size)
        counts = f"{healthy} of {size} healthy, 0 failed, 0 in progress, {pending} pending"
        return f"Wave {wave + 1}: {counts}"

    seen = facts["waves_seen"]
    assert len(seen) == len(WAVE_ENDS)
    for wave in range(len(sizes)):
        assert seen[wave] == [bar(n, done=n <= wave) for n in range(len(sizes))], seen

    assert facts["states"] == ["paused", "running", "completed"]
    assert resumed_at_wave == 1  # wave 1 was healthy: resuming started wave 2
    assert facts["gates_after"] == ["Gate passed"] * len(WAVE_ENDS)
    assert facts["buttons_after"] == []
    assert facts["devices_shown"] == device_ids
