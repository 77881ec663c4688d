"""The test stack's real services: broker security, provisioned resources, stop and restart."""

import json
import threading
import time
import uuid
from urllib.parse import urlencode
from urllib.request import urlopen

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from pymongo import MongoClient

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.local import health
from iotsphere.local.errors import PortTakenError
from iotsphere.local.secrets import BRIDGE_USER, SIMULATOR_USER, mqtt_credentials
from iotsphere.local.stack import Stack

pytestmark = pytest.mark.integration


class Listener:
    """An MQTT client that records what arrives on one subscription."""

    def __init__(self, port: int, credentials: tuple[str, str] | None, topic: str) -> None:
        self.received: list[str] = []
        self.subscribed = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=uuid.uuid4().hex[:12])
        if credentials:
            self.client.username_pw_set(*credentials)
        self.client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
        self.client.on_subscribe = lambda *_: self.subscribed.set()
        self.client.on_message = lambda _c, _u, m: self.received.append(m.payload.decode())
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def publish(port: int, credentials: tuple[str, str], topic: str, payload: str) -> None:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=uuid.uuid4().hex[:12])
    client.username_pw_set(*credentials)
    client.connect("127.0.0.1", port)
    client.loop_start()
    client.publish(topic, payload, qos=1).wait_for_publish(timeout=5)
    client.disconnect()
    client.loop_stop()


def test_every_infrastructure_service_is_running_and_healthy(stack: Stack):
    assert all(stack.is_running(name) for name in stack.infra)
    services = stack.config.services
    assert health.influx_ready(services.influxdb.port)
    assert health.mongo_ready(stack.config.mongo_url)
    assert health.localstack_ready(services.localstack.port)


def test_the_broker_turns_away_anonymous_clients(stack: Stack):
    port = stack.config.services.mosquitto.port
    anonymous = mqtt.Client(CallbackAPIVersion.VERSION2)
    refused = threading.Event()
    anonymous.on_connect = lambda *args: refused.set() if args[3].is_failure else None
    anonymous.connect("127.0.0.1", port)
    anonymous.loop_start()
    try:
        assert refused.wait(5)
    finally:
        anonymous.loop_stop()


def test_the_bridges_shared_subscription_gets_what_the_simulator_publishes(stack: Stack):
    port = stack.config.services.mosquitto.port
    group = f"it-{uuid.uuid4().hex[:6]}"  # not the running bridge's group: it would share the load
    bridge = Listener(
        port, mqtt_credentials(stack.home.root, BRIDGE_USER), f"$share/{group}/devices/+/telemetry"
    )
    snoop = Listener(port, mqtt_credentials(stack.home.root, SIMULATOR_USER), "devices/#")
    try:
        assert bridge.subscribed.wait(5)
        assert snoop.subscribed.wait(5)
        body = f"reading-{uuid.uuid4().hex[:6]}"
        simulator = mqtt_credentials(stack.home.root, SIMULATOR_USER)
        publish(port, simulator, "devices/d-1/telemetry", body)
        for _ in range(50):
            if bridge.received:
                break
            time.sleep(0.1)
        assert bridge.received == [body]
        assert snoop.received == []  # the simulator may publish, not read
    finally:
        bridge.close()
        snoop.close()


def test_queues_have_dead_letter_queues_and_the_consumers_visibility(stack: Stack):
    sqs = aws_client("sqs", stack.settings)
    for name, spec in stack.config.queues.items():
        attrs = sqs.get_queue_attributes(QueueUrl=queue_url(sqs, name), AttributeNames=["All"])[
            "Attributes"
        ]
        dlq = sqs.get_queue_attributes(
            QueueUrl=queue_url(sqs, f"{name}-dlq"), AttributeNames=["All"]
        )["Attributes"]
        redrive = json.loads(attrs["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"] == dlq["QueueArn"]
        assert int(redrive["maxReceiveCount"]) == spec.max_receive_count
        assert dlq["MessageRetentionPeriod"] == str(14 * 24 * 3600)
    telemetry = sqs.get_queue_attributes(
        QueueUrl=queue_url(sqs, "telemetry"), AttributeNames=["VisibilityTimeout"]
    )
    assert telemetry["Attributes"]["VisibilityTimeout"] == "60"  # 6 x ingest_telemetry's 10 s


def test_provisioning_again_changes_nothing(stack: Stack):
    s3 = aws_client("s3", stack.settings)
    assert stack.provision() == stack.provision()
    names = {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
    assert set(stack.config.buckets) <= names


def test_influxdb_has_the_database_with_its_retention(stack: Stack):
    influx = stack.config.services.influxdb
    query = urlencode({"q": f'SHOW RETENTION POLICIES ON "{influx.database}"'})
    with urlopen(f"http://127.0.0.1:{influx.port}/query?{query}") as answer:
        (policy,) = json.loads(answer.read())["results"][0]["series"][0]["values"]
    name, duration, _shard, _replicas, default = policy
    assert (name, duration, default) == ("autogen", "720h0m0s", True)


def test_mongodb_has_the_quarantine_indexes(stack: Stack):
    client: MongoClient = MongoClient(stack.config.mongo_url, serverSelectionTimeoutMS=5000)
    try:
        database = client[stack.config.services.mongodb.database]
        keys = [list(index["key"]) for index in database["quarantine"].list_indexes()]
    finally:
        client.close()
    assert ["device_id", "received_at"] in keys
    assert ["reason"] in keys


def test_a_stopped_influxdb_starts_again_with_its_data(stack: Stack):
    port = stack.config.services.influxdb.port
    assert stack.stop("influxdb")
    assert not stack.is_running("influxdb")
    assert not health.influx_ready(port)
    assert stack.start("influxdb")
    assert health.influx_ready(port)
    assert not stack.start("influxdb")  # already running


def test_a_second_stack_on_the_same_ports_names_the_taken_port(stack: Stack, tmp_path):
    other = Stack.from_file(stack.config_path, tmp_path / "other")
    with pytest.raises(PortTakenError, match=r"port \d+ \(mosquitto\)"):
        other.start("mosquitto")
    assert other.down() == []
    assert stack.is_running("mosquitto")


def test_the_firmware_bucket_answers_the_web_apps_preflight_and_no_one_elses(stack: Stack):
    """The upload page PUTs an image to its presigned URL from the browser (LocalStack's S3)."""
    import urllib.error
    import urllib.request

    web = stack.config.services.web.port
    url = f"{stack.settings.aws_endpoint_url}/iotsphere-firmware/firmware/probe.bin"

    def preflight(origin: str) -> tuple[int, str]:
        request = urllib.request.Request(url, method="OPTIONS")  # noqa: S310 (LocalStack)
        request.add_header("Origin", origin)
        request.add_header("Access-Control-Request-Method", "PUT")
        request.add_header("Access-Control-Request-Headers", "content-type")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (local)
                return answer.status, answer.headers.get("Access-Control-Allow-Origin", "")
        except urllib.error.HTTPError as refused:
            return refused.code, refused.headers.get("Access-Control-Allow-Origin", "")

    assert preflight(f"http://127.0.0.1:{web}") == (200, f"http://127.0.0.1:{web}")
    status, allowed = preflight("http://evil.example")
    assert status >= 400
    assert allowed == ""
