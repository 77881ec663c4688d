"""A staged firmware rollout of N simulated devices through the real parts, timed per wave:

    flock -w 2400 /tmp/iotsphere-stack.lock \\
        .venv/bin/python -m tests.bench.bench_rollout --devices 200 --percents 1,10,50,100
    ... --devices 20 --smoke-timeout 60                      # a short try

(from the project root with ``PYTHONPATH=.``). It starts its own stack (tests/stack.yml, home
.iotsphere/bench, the same ports as the test stack: hence the lock) with the API, the runner and
the bridge; makes an organization, a device type of a new firmware family and N devices through
the API; publishes a release (upload ticket, PUT, the signing function); connects every device
as itself running the simulator's device agent (``--failure-rate`` of them fail the health
check); starts a rollout with a zero soak time and drives it with the service the schedule calls,
every ``--tick`` seconds, until it completes or halts. Reported (JSON on stdout): seconds from
the start to each wave's end, to every device healthy, the devices per final state, and the
time to onboard and to connect the fleet. The devices are decommissioned at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime
from typing import Any

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.adapters.firmware_rollout_ports import build_rollout_ports
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.bootstrap import build_identity_ports, connect_mongo
from iotsphere.domain.firmware.rollout import RolloutState
from iotsphere.domain.firmware.signatures import TrustedKey
from iotsphere.local.stack import Stack
from iotsphere.services.firmware.rollouts import advance_rollout
from iotsphere.simulator.device_agents import AgentOptions
from iotsphere.simulator.provisioning import firmware_public_key
from tests.bench.bench_stack import bench_stack
from tests.bench.bench_telemetry import machine
from tests.e2e.api.client import ApiClient
from tests.e2e.firmware.harness import (
    START_VERSION,
    decommission,
    new_family,
    onboard,
    publish_release,
    rollout_devices,
    running_agents,
    start_rollout,
)
from tests.e2e.organizations import new_organization


def now() -> datetime:
    return datetime.now(UTC)


PLATFORM = ("api", "runner", "bridge")


def measure(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    settings = stack.settings
    database = connect_mongo(settings)
    sqs = aws_client("sqs", settings)
    ports = build_rollout_ports(
        database,
        aws_client("s3", settings),
        settings.firmware_bucket,
        SqsPublisher(sqs, queue_url(sqs, settings.device_outbound_queue)),
    )
    api = ApiClient(stack.specs["api"].url)
    org = new_organization(build_identity_ports(settings, database), api, "Rollout bench")
    key = firmware_public_key(stack.home.root)
    assert key is not None, "the bench stack has no firmware signing key"
    options = AgentOptions(
        trusted=[TrustedKey.from_base64(key)],
        firmware_version=START_VERSION,
        firmware_failure_rate=args.failure_rate,
    )
    family, type_id = new_family(org)
    began = time.monotonic()
    packages = onboard(org, type_id, args.devices, groups=["bench"])
    onboard_s = time.monotonic() - began
    try:
        release = publish_release(org, family, "2.0.0", os.urandom(args.image_kb * 1024))
        began = time.monotonic()
        with running_agents(packages, family, options):
            connect_s = time.monotonic() - began
            percents = [int(p) for p in args.percents.split(",")]
            gate = {"soak_time": "PT0S", "max_failure_rate": args.max_failure_rate}
            plan = {"percents": percents}
            started = time.monotonic()
            rollout = start_rollout(
                org, release, target={"groups": ["bench"]}, plan=plan, gate=gate
            )
            waves: list[float] = []  # seconds from the start to each wave's gate passing
            state = RolloutState.RUNNING
            while state is RolloutState.RUNNING and time.monotonic() - started < args.timeout:
                current = advance_rollout(org.org_id, rollout["rollout_id"], ports, now())
                passed = current.wave + (current.state is RolloutState.COMPLETED)
                waves += [round(time.monotonic() - started, 2)] * (passed - len(waves))
                state = current.state
                time.sleep(args.tick)
            finished = None
            while time.monotonic() - started < args.timeout:
                devices = rollout_devices(org, rollout["rollout_id"])
                if all(d["state"] in ("healthy", "failed", "rolled_back") for d in devices):
                    finished = round(time.monotonic() - started, 2)
                    break
                time.sleep(args.tick)
            counts: dict[str, int] = {}
            for device in rollout_devices(org, rollout["rollout_id"]):
                counts[device["state"]] = counts.get(device["state"], 0) + 1
        return {
            "devices": args.devices,
            "percents": percents,
            "wave_ends": rollout["wave_ends"],
            "image_kb": args.image_kb,
            "failure_rate": args.failure_rate,
            "onboard_s": round(onboard_s, 2),
            "connect_s": round(connect_s, 2),
            "state": state.value,
            "wave_done_s": waves,
            "all_finished_s": finished,
            "devices_by_state": counts,
        }
    finally:
        decommission(org, packages)
        database.client.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--percents", default="1,10,50,100", help="cumulative wave plan")
    parser.add_argument("--image-kb", type=int, default=256, help="size of the release's image")
    parser.add_argument("--failure-rate", type=float, default=0.0, help="share failing health")
    parser.add_argument("--max-failure-rate", type=float, default=0.05, help="the health gate")
    parser.add_argument("--tick", type=float, default=0.5, help="seconds between gate checks")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after (s)")
    parser.add_argument("--keep", action="store_true", help="leave the bench stack running")
    args = parser.parse_args()
    with bench_stack(PLATFORM, keep=args.keep) as stack:
        print(json.dumps({"machine": machine(), "rollout": measure(stack, args)}, indent=2))
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
