"""The alerting benchmark of issue 4: from a device's publish to the webhook, on this machine.

    .venv/bin/python -m tests.bench.bench_alerting --devices 1000 --rules 1000 --rate 1000 \\
        --duration 120
    .venv/bin/python -m tests.bench.bench_alerting --smoke      # what CI runs: seconds

(from the project root with ``PYTHONPATH=.``, inside ``flock /tmp/iotsphere-stack.lock``). It
starts its own stack (tests/stack.yml, home .iotsphere/bench) with the runner (ingest,
evaluate_alerts, send_notifications) and the bridge, then

1. seeds an organization of its own straight into the stores: ``--devices`` devices in the
   registry, ``--rules`` rules saved through ``save_rule`` (the mix of
   ``tests/bench/alerting_fleet.py``), and one webhook subscription to a receiver it runs on a
   port of 31400-31499 (it checks every signature);
2. publishes a probe reading each second until its alarm reaches the webhook (the runner's
   workers are warm), then ``--rate`` readings/s for ``--duration`` s through the real broker
   from one process (QoS 1, at most 1,500 in flight), each reading stamped with the moment it
   was published; one device in ten runs hot once, which raises and then clears a known number
   of alarms;
3. takes the latency of each notified transition as the moment the webhook received it minus the
   device time of the reading that caused it (the transition's ``at``), and counts received,
   expected, duplicates and lost;
4. measures the evaluator alone, as its worker runs it: in this process on the stack's stores
   (MongoDB, InfluxDB, SQS) with the same rules, as fast as it goes: the sustained readings/s
   with those rules, once with one reading of each device per invocation (a shallow queue:
   ten ``alerts`` messages of 100 evaluated together), once with ten (a backlog: the worker's
   full batch of 100 messages).

The result goes to stdout as JSON with the machine.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import time
import uuid
from datetime import UTC, datetime
from multiprocessing.sharedctypes import Synchronized
from typing import Any

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.adapters.influx_alert_events import InfluxAlertEvents
from iotsphere.adapters.influx_telemetry import InfluxTelemetryStore
from iotsphere.adapters.mongo_alerting_ports import mongo_alerting_ports
from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.adapters.mongo_devices_types import COLLECTION as TYPES
from iotsphere.adapters.mongo_devices_types import MongoDeviceTypeRepository
from iotsphere.adapters.mongo_notifications_subscriptions import COLLECTION as SUBSCRIPTIONS
from iotsphere.adapters.mongo_notifications_subscriptions import MongoSubscriptionStore
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.bootstrap import connect_mongo
from iotsphere.domain.alerting.transitions import to_ms
from iotsphere.domain.devices.device import Device
from iotsphere.domain.devices.device_type import DeviceType, MetricSpec
from iotsphere.domain.messages import ForwardedReading, ReadingsBatch
from iotsphere.domain.notifications.channels import WebhookChannel
from iotsphere.domain.notifications.signing import new_webhook_secret
from iotsphere.domain.notifications.subscriptions import (
    Subscriber,
    Subscription,
    SubscriptionFilter,
)
from iotsphere.local.secrets import SIMULATOR_USER, mqtt_credentials
from iotsphere.local.stack import Stack
from iotsphere.services.alerting.evaluate import evaluate_readings
from iotsphere.services.alerting.history import TelemetryHistory
from iotsphere.services.alerting.ports import AlertingPorts
from iotsphere.services.alerting.rule_admin import save_rule
from iotsphere.simulator.payloads import encode, reading_document, telemetry_topic
from tests.bench.alerting_fleet import TYPES as TYPE_IDS
from tests.bench.alerting_fleet import AlertingFleet
from tests.bench.bench_stack import bench_stack
from tests.bench.bench_telemetry import machine, mqtt_ceiling
from tests.bench.mqtt_load import Broker, WindowedPublisher
from tests.bench.webhook_receiver import Arrival, WebhookReceiver

SETTLE_S = 15.0  # no new notification for this long after the last publish: done
BACKLOG_PER_DEVICE = 10  # a full batch of the worker: 100 messages of 100, 1,000 devices
WARM_TIMEOUT_S = 180


def seed(stack: Stack, fleet: AlertingFleet, org_id: str, webhook_url: str) -> str:
    """The organization's device types, devices, rules and webhook subscription; returns the
    subscription's signing secret."""
    database = connect_mongo(stack.settings)
    now = datetime.now(tz=UTC)
    types = MongoDeviceTypeRepository(database[TYPES])
    metrics = [MetricSpec(name="temperature", unit="°C"), MetricSpec(name="vibration")]
    for type_id in TYPE_IDS:
        types.add(
            DeviceType(
                id=type_id,
                org_id=org_id,
                name=type_id,
                firmware_family=type_id,
                metrics=metrics,
                created_at=now,
            )
        )
    MongoDeviceRepository(database[DEVICES]).add(
        [
            Device(
                id=fleet.device_id(i),
                org_id=org_id,
                name=fleet.device_id(i),
                device_type=fleet.device_type(i),
                groups=[fleet.group(i)],
                status_changed_at=now,
                created_at=now,
            )
            for i in range(fleet.devices)
        ]
    )
    MongoDeviceRepository(database[DEVICES]).add(
        [
            Device(
                id=probe_id(fleet),
                org_id=org_id,
                name=probe_id(fleet),
                device_type=TYPE_IDS[0],
                status_changed_at=now,
                created_at=now,
            )
        ]
    )
    rules, evaluation = MongoRuleStore(database[RULES]), stack_ports(stack)
    for rule_id, body in [*fleet.rule_bodies(), ("probe", probe_rule(fleet))]:
        save_rule(org_id, rule_id, body, rules, types, evaluation, now)
    secret = new_webhook_secret()
    MongoSubscriptionStore(database[SUBSCRIPTIONS]).save(
        Subscription(
            id=uuid.uuid4().hex[:24],
            org_id=org_id,
            name="benchmark receiver",
            subscriber=Subscriber(kind="team", id="bench"),
            filter=SubscriptionFilter(),
            channel=WebhookChannel(url=webhook_url),
            secret=secret,
            created_by="bench",
            created_at=now,
            updated_at=now,
        )
    )
    database.client.close()
    return secret


def probe_id(fleet: AlertingFleet) -> str:
    return f"{fleet.prefix}-probe"


def probe_rule(fleet: AlertingFleet) -> dict[str, Any]:
    """Raises at the probe's first reading: its notification says the whole path is warm."""
    return {
        "name": "pipeline probe",
        "scope": {"kind": "device", "value": probe_id(fleet)},
        "metric": "temperature",
        "severity": "info",
        "condition": {"type": "threshold", "op": "above", "set": -1000},
        "lateness_s": 0,
    }


def wait_until_warm(broker: Broker, fleet: AlertingFleet, receiver: WebhookReceiver) -> float:
    """Publish a probe reading each second until its alarm reaches the webhook: the runner's
    workers have imported, connected and polled once, so the cold start is not measured."""
    publisher = WindowedPublisher(broker, f"bench-probe-{fleet.prefix}")
    started = time.monotonic()
    try:
        for seq in range(WARM_TIMEOUT_S):
            document = reading_document(int(time.time() * 1000), seq, {"temperature": 1.0})
            publisher.publish(telemetry_topic(probe_id(fleet)), encode(document))
            time.sleep(1)
            if any(a.transition["device_id"] == probe_id(fleet) for a in receiver.inbox.snapshot()):
                return round(time.monotonic() - started, 1)
    finally:
        publisher.close()
    raise RuntimeError(f"the probe's notification did not arrive in {WARM_TIMEOUT_S} s")


def publish_fleet(
    broker: Broker,
    fleet: AlertingFleet,
    published: Synchronized,  # type: ignore[type-arg]
    acked: Synchronized,  # type: ignore[type-arg]
    niceness: int = 0,
) -> None:
    """Reading n is due at start + n / rate, from device n mod devices; it carries the moment it
    was actually sent, so a publisher that falls behind shows as latency, not as a better one.

    ``niceness`` lowers this process's CPU priority: the devices it plays are not on the
    platform's machine in real life, and on two cores their quarter of the CPU would otherwise
    be taken from the platform being measured (``publish_seconds`` shows if it kept its pace)."""
    os.nice(niceness)
    publisher = WindowedPublisher(broker, f"bench-alerting-{fleet.prefix}")
    total = int(fleet.rate * fleet.duration_s)
    started = time.monotonic()
    for n in range(total):
        delay = started + n / fleet.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        index, seq = n % fleet.devices, n // fleet.devices
        document = reading_document(int(time.time() * 1000), seq, fleet.metrics(index, seq))
        publisher.publish(telemetry_topic(fleet.device_id(index)), encode(document))
        published.value = n + 1
    publisher.close()
    acked.value = publisher.acks


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def latency_report(arrivals: list[Arrival], expected: int) -> dict[str, Any]:
    first: dict[str, Arrival] = {}
    for arrival in arrivals:
        first.setdefault(arrival.idempotency_key, arrival)
    latencies = [
        a.received_s * 1000 - to_ms(datetime.fromisoformat(a.transition["at"]))
        for a in first.values()
    ]
    kinds: dict[str, int] = {}
    for arrival in first.values():
        kinds[arrival.transition["kind"]] = kinds.get(arrival.transition["kind"], 0) + 1
    return {
        "notifications_expected": expected,
        "notifications_received": len(first),
        "duplicates": len(arrivals) - len(first),
        "lost": max(0, expected - len(first)),
        "unexpected": max(0, len(first) - expected),
        "by_kind": kinds,
        "latency_p50_ms": percentile(latencies, 0.50),
        "latency_p99_ms": percentile(latencies, 0.99),
        "latency_max_ms": round(max(latencies), 1) if latencies else None,
    }


def run_alerting(stack: Stack, fleet: AlertingFleet, publisher_nice: int = 0) -> dict[str, Any]:
    """Seed, publish through the broker, watch the webhook; the publish-to-webhook part."""
    org_id = fleet.prefix
    with WebhookReceiver() as receiver:
        receiver.inbox.secret = seed(stack, fleet, org_id, receiver.url)
        expected = fleet.expected_transitions()
        port = stack.config.services.mosquitto.port
        broker = Broker(port, *mqtt_credentials(stack.home.root, SIMULATOR_USER))
        warm_s = wait_until_warm(broker, fleet, receiver)
        spawn = mp.get_context("spawn")  # a fresh interpreter: this one runs server threads
        published, acked = spawn.Value("q", 0), spawn.Value("q", 0)
        started = time.time()
        process = spawn.Process(
            target=publish_fleet, args=(broker, fleet, published, acked, publisher_nice)
        )
        process.start()
        process.join(fleet.duration_s + 180)
        publish_seconds = time.time() - started
        last, quiet_since = -1, time.time()
        while time.time() - quiet_since < SETTLE_S and time.time() - started < 600:
            count = len(receiver.inbox.snapshot()) - 1  # the probe's
            if count != last:
                last, quiet_since = count, time.time()
            if count >= expected and time.time() - quiet_since >= 2:
                break
            time.sleep(0.25)
        arrivals = [
            a for a in receiver.inbox.snapshot() if a.transition["device_id"] != probe_id(fleet)
        ]
        bad, strays = receiver.inbox.bad_signatures, receiver.inbox.strays
    return {
        "devices": fleet.devices,
        "rules": fleet.rules,
        "target_rate": fleet.rate,
        "duration_s": fleet.duration_s,
        "published": published.value,
        "acked_by_broker": acked.value,
        "publish_seconds": round(publish_seconds, 1),
        "faulty_devices": len(fleet.faulty()),
        "pipeline_warm_after_s": warm_s,
        "bad_signatures": bad,
        "stray_posts": strays,
        **latency_report(arrivals, expected),
    }


def stack_ports(stack: Stack) -> AlertingPorts:
    """The alerting ports over the stack's own stores, as its worker builds them."""
    settings = stack.settings
    sqs = aws_client("sqs", settings)
    return mongo_alerting_ports(
        connect_mongo(settings),
        history=TelemetryHistory(InfluxTelemetryStore.from_settings(settings)),
        transitions=InfluxAlertEvents.from_settings(settings),
        notifications=SqsPublisher(sqs, queue_url(sqs, settings.notifications_queue)),
    )


def evaluator_capacity(
    stack: Stack, fleet: AlertingFleet, seconds: float, per_device: int = 1
) -> dict[str, Any]:
    """``evaluate_readings`` on the stack's own stores, back to back, for ``seconds``. Each
    invocation holds ``per_device`` readings of every device, spread evenly over the time since
    the previous invocation, the last stamped with the invocation's start (so each is newer
    than what the device sent before and nothing waits), valued as the fleet's reading of that
    second: 1 is the pace of a shallow queue (ten messages of 100 readings per invocation with
    1,000 devices), 10 the pace at which the worker drains a backlog (its batch of 100
    messages)."""
    ports = stack_ports(stack)
    readings = evaluated = rounds = 0
    cpu, started = time.process_time(), time.monotonic()
    last_ms = int(time.time() * 1000) - 1000
    while time.monotonic() - started < seconds:
        round_ms = int(time.time() * 1000)
        stamps = [last_ms + (round_ms - last_ms) * (k + 1) // per_device for k in range(per_device)]
        batch = ReadingsBatch(
            envelope_id=f"capacity-{rounds}",
            readings=[
                ForwardedReading(
                    device_id=fleet.device_id(i),
                    ts_ms=ts_ms,
                    metrics=dict(fleet.metrics(i, ts_ms // 1000)),  # no fault that late
                    seq=ts_ms // 1000,
                )
                for ts_ms in stamps
                for i in range(fleet.devices)
            ],
        )
        result = evaluate_readings(batch, ports, datetime.now(tz=UTC))
        readings += result.readings
        evaluated += result.evaluated
        rounds += 1
        last_ms = round_ms
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    return {
        "readings_per_device_per_invocation": per_device,
        "readings": readings,
        "rule_evaluations": evaluated,
        "seconds": round(wall, 1),
        "sustained_readings_per_s": round(readings / wall, 1),
        "cpu_s_per_1000_readings": round(cpu / readings * 1000, 3) if readings else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=1000, help="readings/s of the fleet")
    parser.add_argument("--duration", type=float, default=120, help="seconds of publishing")
    parser.add_argument("--warmup", type=float, default=15, help="seconds before the 1st fault")
    parser.add_argument("--capacity-seconds", type=float, default=30)
    parser.add_argument("--smoke", action="store_true", help="seconds, a small fleet")
    parser.add_argument("--keep", action="store_true", help="leave the bench stack running")
    parser.add_argument(
        "--publisher-nice", type=int, default=10, help="the devices' CPU priority (0: as ours)"
    )
    parser.add_argument(
        "--ceiling-messages", type=int, default=20_000, help="the machine's speed, as MQTT's"
    )
    args = parser.parse_args()
    if args.smoke:
        args.devices, args.rules, args.rate, args.duration = 20, 20, 20, 24
        args.warmup, args.capacity_seconds, args.ceiling_messages = 4, 3, 1000
    fleet = AlertingFleet(
        f"bench{uuid.uuid4().hex[:8]}",
        args.devices,
        args.rules,
        args.rate,
        args.duration,
        warmup_s=args.warmup,
    )
    with bench_stack(("runner", "bridge"), keep=args.keep) as stack:
        report = {
            "machine": machine(),
            # the raw MQTT ceiling of bench_telemetry: this shared machine's speed varies by
            # tens of percent from hour to hour, and the latency follows it
            "mqtt_ceiling_msgs_per_s": round(mqtt_ceiling(stack, args.ceiling_messages), 1),
            "publisher_nice": args.publisher_nice,
            "publish_to_webhook": run_alerting(stack, fleet, args.publisher_nice),
            "evaluator": evaluator_capacity(stack, fleet, args.capacity_seconds),
            "evaluator_draining_a_backlog": evaluator_capacity(
                stack, fleet, args.capacity_seconds, per_device=BACKLOG_PER_DEVICE
            ),
        }
        print(json.dumps(report, indent=2))
        result = report["publish_to_webhook"]
        return 0 if result["lost"] == 0 and result["bad_signatures"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
