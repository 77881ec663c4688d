"""``iotsphere simulate``: publish telemetry from a simulated fleet until done or Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger

from iotsphere.agent import AgentError
from iotsphere.local.config import DEFAULT_CONFIG, SimulatorSpec, StackConfig
from iotsphere.services.errors import ServiceError, StoreUnavailableError
from iotsphere.settings import Settings
from iotsphere.simulator.connection import mqtt_target, stack_config
from iotsphere.simulator.device_agents import (
    DEFAULT_VERSION,
    AgentOptions,
    AgentPublisher,
    SimulatedAgent,
)
from iotsphere.simulator.errors import SimulatorError
from iotsphere.simulator.fault_plan import load_fault_plan, plan_fleet
from iotsphere.simulator.faults import FaultKind, FaultPlan
from iotsphere.simulator.fleet import FleetOptions, SimulatedDevice, build_fleet
from iotsphere.simulator.payloads import format_ts
from iotsphere.simulator.provisioning import provision_fleet
from iotsphere.simulator.publisher import PROTOCOLS, MqttPublisher
from iotsphere.simulator.schedule import MAX_RATE_PER_DEVICE, RateSchedule
from iotsphere.simulator.simulation import (
    Publisher,
    progress,
    run_simulation,
    unacked_by_device,
)
from iotsphere.simulator.stats import write_stats

log = Logger(service="simulator", stream=sys.stderr)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    fleet = parser.add_argument_group("fleet")
    fleet.add_argument("--devices", type=int, help="default: simulator.devices of --config")
    fleet.add_argument("--rate", type=float, help="readings/s per device (default: --config)")
    fleet.add_argument("--count", type=int, default=0, help="readings per device, 0 = no limit")
    fleet.add_argument("--duration", type=float, help="stop after this many seconds")
    fleet.add_argument("--prefix", default="sim", help="device ids are <prefix>-0001, …")
    fleet.add_argument("--seed", type=int, default=1, help="same seed, same fleet and readings")
    fleet.add_argument("--failing-fraction", type=float, default=0.2, help="share that fails")
    fleet.add_argument("--failure-hours", type=float, default=6.0, help="how long that drift takes")
    faults = parser.add_argument_group("faults")
    faults.add_argument("--fault-rate", type=float, default=0.0, help="chance per reading per kind")
    faults.add_argument(
        "--faults", default=",".join(FaultKind), help="kinds, each optionally kind=rate"
    )
    broker = parser.add_argument_group("broker (never anonymous)")
    broker.add_argument("--host", default="127.0.0.1")
    broker.add_argument("--port", type=int, help="default: services.mosquitto.port of --config")
    broker.add_argument("--username", help="default: iotsphere-simulator from <home>/secrets.json")
    broker.add_argument("--password")
    broker.add_argument("--config", default=DEFAULT_CONFIG, help="stack file (samplelocal.yml)")
    broker.add_argument("--home", default=".iotsphere", help="the stack's folder (secrets.json)")
    broker.add_argument("--client-id", help="default: iotsphere-simulator-<prefix>-<pid>")
    broker.add_argument("--mqtt-version", choices=sorted(PROTOCOLS), default="5")
    fleet.add_argument(
        "--register-as",
        metavar="EMAIL",
        help="onboard the fleet in this user's organization; each device then runs the device "
        "agent with its own identity (docs/simulator.md)",
    )
    agents = parser.add_argument_group("device agents (with --register-as)")
    agents.add_argument(
        "--starter-rules",
        action="store_true",
        help="when the fleet is first onboarded in an organization without rules, add a "
        "heartbeat and per kind a temperature and a vibration threshold (starter_rules.py)",
    )
    agents.add_argument(
        "--firmware-failure-rate",
        type=float,
        default=0.0,
        help="share of devices whose new firmware fails its health check and rolls back",
    )
    agents.add_argument(
        "--firmware-version", default=DEFAULT_VERSION, help="what a device runs before any update"
    )
    planned = parser.add_argument_group("planned faults")
    planned.add_argument(
        "--fault-plan", type=Path, help="JSON list of timed faults per device (fault_plan.py)"
    )
    output = parser.add_argument_group("output")
    output.add_argument("--stats-file", type=Path, help="write a JSON summary with per-device seqs")
    output.add_argument("--ack-timeout", type=float, default=60.0, help="seconds to await PUBACKs")
    output.add_argument("--log-every", type=float, default=10.0, help="seconds between logs")


def _stop_on_signals() -> threading.Event:
    """First Ctrl-C/SIGTERM: stop publishing and await acks; a second one: give up."""
    stop = threading.Event()

    def handle(*_: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    return stop


def _fleet_options(
    args: argparse.Namespace, config: StackConfig | None
) -> tuple[FleetOptions, float]:
    spec = config.simulator if config else SimulatorSpec()
    devices = spec.devices if args.devices is None else args.devices
    rate = spec.rate if args.rate is None else args.rate
    if devices < 1 or not 0 < rate <= MAX_RATE_PER_DEVICE:
        raise SimulatorError(f"need --devices >= 1 and 0 < --rate <= {MAX_RATE_PER_DEVICE:g}")
    dropout = (max(1, round(2 * rate)), max(1, round(10 * rate)))  # 2 to 10 s of silence
    plan = FaultPlan.parse(args.faults, args.fault_rate, dropout_readings=dropout)
    options = FleetOptions(
        devices, args.prefix, args.seed, args.failing_fraction, args.failure_hours, plan
    )
    return options, rate


def _run_info(options: FleetOptions, rate: float, args: argparse.Namespace) -> dict[str, Any]:
    return {
        "devices": options.devices,
        "rate": rate,
        "count": args.count,
        "duration": args.duration,
        "prefix": options.prefix,
        "seed": options.seed,
        "failing_fraction": options.failing_fraction,
        "faults": {str(kind): value for kind, value in options.faults.rates.items()},
    }


def _agents(
    fleet: list[SimulatedDevice], config: StackConfig | None, args: argparse.Namespace
) -> AgentPublisher:
    """Onboard the fleet (or reuse its packages) and connect every device as itself."""
    if not 0 <= args.firmware_failure_rate <= 1:
        raise SimulatorError("--firmware-failure-rate is a share between 0 and 1")
    settings = config.settings() if config is not None else Settings.from_env()
    provisioned = provision_fleet(
        fleet, settings, args.register_as, Path(args.home), starter_rules=args.starter_rules
    )
    options = AgentOptions(
        trusted=(),
        firmware_version=args.firmware_version,
        firmware_failure_rate=args.firmware_failure_rate,
        seed=args.seed,
        reboot_after_update=True,
    )
    agents = [
        SimulatedAgent(p.package, p.firmware_family, options, memory=p.memory) for p in provisioned
    ]
    for agent in agents:
        agent.start()
    log.info("device agents connected", extra={"devices": len(agents), "owner": args.register_as})
    return AgentPublisher(agents)


def _publisher(
    fleet: list[SimulatedDevice], config: StackConfig | None, args: argparse.Namespace
) -> Publisher:
    if args.register_as:
        return _agents(fleet, config, args)
    target = mqtt_target(args.host, args.port, config, args.username, args.password, args.home)
    client_id = args.client_id or f"iotsphere-simulator-{args.prefix}-{os.getpid()}"
    shared = MqttPublisher(target, client_id, args.mqtt_version)
    shared.connect()
    return shared


def run(args: argparse.Namespace) -> int:
    try:
        config = stack_config(args.config, args.port)
        options, rate = _fleet_options(args, config)
    except (SimulatorError, ValueError) as exc:
        print(f"simulate: {exc}", file=sys.stderr)
        return 2
    start_s, started = time.time(), time.monotonic()
    fleet = build_fleet(options, start_s)
    try:
        if args.fault_plan:
            plan_fleet(fleet, load_fault_plan(args.fault_plan), start_s)
        publisher = _publisher(fleet, config, args)
    except (SimulatorError, AgentError, StoreUnavailableError, ServiceError, ValueError) as exc:
        print(f"simulate: {exc}", file=sys.stderr)
        return 2
    stop = _stop_on_signals()
    schedule = RateSchedule(options.devices, rate, start_s, args.count, args.duration)
    stats = run_simulation(fleet, schedule, publisher, stop.is_set, log_every_s=args.log_every)
    publish_s = time.monotonic() - started
    all_acked = publisher.wait_for_acks(args.ack_timeout)
    progress(stats, publisher)
    publisher.close()
    if args.stats_file:
        run_info = {
            "started": format_ts(int(start_s * 1000)),
            "publish_s": round(publish_s, 3),
            "elapsed_s": round(time.monotonic() - started, 3),
            "options": _run_info(options, rate, args),
        }
        write_stats(args.stats_file, stats.document(fleet, unacked_by_device(publisher), run_info))
    print(stats.summary_line(publish_s), flush=True)
    if not all_acked:
        log.error("unacknowledged messages left", extra={"unacked": len(publisher.pending)})
    return 0 if all_acked and not publisher.refused else 1
