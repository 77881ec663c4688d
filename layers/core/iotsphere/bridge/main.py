"""``iotsphere bridge``: run the MQTT-to-SQS bridge (telemetry, and the device link for
everything else) until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.adapters.sqs_queue_reader import SqsQueueReader
from iotsphere.bridge.device_link import DeviceLink, LinkOptions
from iotsphere.bridge.mqtt_bridge import BridgeOptions, MqttBridge
from iotsphere.local.config import DEFAULT_CONFIG, load_stack_config
from iotsphere.local.secrets import BRIDGE_USER, mqtt_credentials


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="stack file (samplelocal.yml)")
    parser.add_argument("--home", default=".iotsphere", help="the stack's folder (secrets)")
    parser.add_argument("--client-id", default="iotsphere-bridge-1", help="stable per instance")


def run(args: argparse.Namespace) -> int:
    config = load_stack_config(args.config)
    settings = config.settings()
    username, password = mqtt_credentials(Path(args.home), BRIDGE_USER)
    options = BridgeOptions(
        host="127.0.0.1",
        port=config.services.mosquitto.port,
        username=username,
        password=password,
        topic=config.bridge.topics["telemetry"],
        share_group=config.bridge.share_group,
        client_id=args.client_id,
        flush_ms=config.bridge.flush_ms,
        max_envelope_bytes=config.bridge.max_envelope_bytes,
    )
    sqs = aws_client("sqs", settings)
    publisher = SqsPublisher(sqs, queue_url(sqs, config.bridge.queue))
    link = DeviceLink(
        LinkOptions(
            host=options.host,
            port=options.port,
            username=username,
            password=password,
            client_id=f"{args.client_id}-devices",
            share_group=config.bridge.share_group,
        ),
        send_events=SqsPublisher(sqs, queue_url(sqs, config.bridge.events_queue)).publish,
        outbound=SqsQueueReader(sqs, queue_url(sqs, config.bridge.outbound_queue)),
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    link_thread = threading.Thread(target=link.run, args=(stop,), name="device-link")
    link_thread.start()
    try:
        MqttBridge(options, publisher.publish).run(stop)
    finally:
        stop.set()
        link_thread.join(timeout=30)
    return 0
