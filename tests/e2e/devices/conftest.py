"""The device lifecycle end to end: the API (``chalice local``), the runner and the bridge of the
test stack, devices running the real agent against the real broker. Each test onboards its own
devices in its own organization and decommissions them at the end, so the broker keeps no
identity of theirs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.adapters.mongo_devices_ports import build_device_ports
from iotsphere.adapters.mosquitto_control import BrokerLogin, MqttControlChannel
from iotsphere.adapters.mosquitto_dynsec import DynsecBrokerIdentities
from iotsphere.adapters.sqs_device_channel import SqsDeviceChannel
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.bootstrap import connect_mongo
from iotsphere.domain.devices.messages import BrokerEndpoint, ProvisioningPackage
from iotsphere.local.secrets import BRIDGE_USER, REGISTRY_USER, mqtt_credentials
from iotsphere.local.stack import Stack
from iotsphere.services.devices.ports import DevicePorts
from iotsphere.services.identity.ports import IdentityPorts
from tests.e2e.api.client import ApiClient, Organization
from tests.e2e.devices.lifecycle import Device, Watcher, ok
from tests.e2e.organizations import new_organization


@pytest.fixture(scope="session")
def lifecycle(platform: Stack, api: ApiClient) -> Stack:
    """The whole platform: the test stack with the runner, the bridge and the API."""
    return platform


@pytest.fixture(scope="session")
def org(lifecycle: Stack, identity: IdentityPorts, api: ApiClient) -> Organization:
    return new_organization(identity, api, "Devices Org")


@pytest.fixture(scope="session")
def other_org(lifecycle: Stack, identity: IdentityPorts, api: ApiClient) -> Organization:
    return new_organization(identity, api, "Devices Other Org")


def new_type(org: Organization, maximum: int = 3600) -> str:
    """A device type whose configuration is ``interval_s`` (1 to ``maximum``), 60 by default."""
    type_id = f"sensor-{uuid.uuid4().hex[:8]}"
    interval = {"type": "integer", "minimum": 1, "maximum": maximum}
    schema = {"type": "object", "properties": {"interval_s": interval}}
    body = {
        "id": type_id,
        "name": "Sensor",
        "firmware_family": "sensor-fw",
        "config_schema": schema,
        "default_config": {"interval_s": min(60, maximum)},
        "templates": {"fast": {"interval_s": 1}},
    }
    ok(org.operator.post("/v1/device-types", json=body), 201)
    return type_id


@pytest.fixture(scope="session")
def device_type(org: Organization) -> str:
    return new_type(org)


class Fleet:
    """Devices onboarded through the API by a test, each with its package and agent."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        self.devices: list[Device] = []

    def onboard(self, device_type: str, **fields: Any) -> Device:
        body = {"name": f"dev-{uuid.uuid4().hex[:10]}", "device_type": device_type, **fields}
        package = ProvisioningPackage.model_validate(
            ok(self.org.admin.post("/v1/devices", json=body), 201)
        )
        return self.adopt(package)

    def adopt(self, package: ProvisioningPackage) -> Device:
        device = Device(package)
        self.devices.append(device)
        return device

    def retire(self) -> None:
        for device in self.devices:
            device.stop()
        for device_id in {d.id for d in self.devices}:
            self.org.admin.post(f"/v1/devices/{device_id}/decommission")


@pytest.fixture
def fleet(org: Organization) -> Iterator[Fleet]:
    made = Fleet(org)
    yield made
    made.retire()


@pytest.fixture
def broker_port(lifecycle: Stack) -> int:
    return int(lifecycle.config.services.mosquitto.port)


@pytest.fixture
def watcher(lifecycle: Stack, broker_port: int) -> Iterator[Watcher]:
    """The bridge's identity, to see what the broker delivers to the platform."""
    made = Watcher(broker_port, *mqtt_credentials(lifecycle.home.root, BRIDGE_USER))
    yield made
    made.close()


@pytest.fixture(scope="session")
def device_ports(lifecycle: Stack) -> Iterator[DevicePorts]:
    """The device services over the stack's own adapters, for what only a schedule does."""
    settings = lifecycle.settings
    database = connect_mongo(settings)
    sqs = aws_client("sqs", settings)
    username, password = mqtt_credentials(lifecycle.home.root, REGISTRY_USER)
    control = MqttControlChannel(BrokerLogin("127.0.0.1", settings.mqtt_port, username, password))
    yield build_device_ports(
        database,
        broker=DynsecBrokerIdentities(control),
        channel=SqsDeviceChannel(SqsPublisher(sqs, queue_url(sqs, settings.device_outbound_queue))),
        endpoint=BrokerEndpoint(host="127.0.0.1", port=settings.mqtt_port),
    )
    control.close()
    database.client.close()
