"""Per-device identities for a registered simulated fleet: each device is onboarded through the
device services (registry entry, default configuration, broker identity, provisioning package),
exactly as an admin's ``POST /v1/devices`` does, and its package is kept under the stack home
(``<home>/simulator/packages/<device id>.json``, mode 0600) so the next run connects with it.

A device registered before it had credentials (an older simulator) or whose package file is
lost gets its credentials reissued. Agent memories (firmware version, applied configuration)
sit beside the packages, so an update survives a restart of the simulator.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger
from pydantic import ValidationError
from pymongo.database import Database

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.adapters.file_manifest_signer import FileManifestSigner
from iotsphere.adapters.influx_telemetry import InfluxTelemetryStore
from iotsphere.adapters.mongo_alerting_rules import COLLECTION as RULES
from iotsphere.adapters.mongo_alerting_rules import MongoRuleStore
from iotsphere.adapters.mongo_devices_ports import build_device_ports
from iotsphere.adapters.mosquitto_control import BrokerLogin, MqttControlChannel
from iotsphere.adapters.mosquitto_dynsec import DynsecBrokerIdentities
from iotsphere.adapters.private_file import write_private_file
from iotsphere.adapters.sqs_device_channel import SqsDeviceChannel
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.agent import JsonFileMemory
from iotsphere.bootstrap import build_alerting_ports, connect_mongo
from iotsphere.domain.devices.messages import BrokerEndpoint, NewDevice, ProvisioningPackage
from iotsphere.local.secrets import FIRMWARE_KEY_FILE, REGISTRY_USER, mqtt_credentials
from iotsphere.services.devices.onboarding import onboard_devices, reissue_credentials
from iotsphere.services.devices.ports import DevicePorts
from iotsphere.settings import Settings
from iotsphere.simulator.errors import SimulatorError
from iotsphere.simulator.fleet import SimulatedDevice
from iotsphere.simulator.registration import SIMULATED_TAG, ensure_types, owner_org, type_id
from iotsphere.simulator.starter_rules import add_starter_rules

log = Logger(service="simulator", stream=sys.stderr)

PACKAGES = Path("simulator") / "packages"
MEMORIES = Path("simulator") / "agents"
ONBOARD_BATCH = 100


@dataclass(frozen=True)
class ProvisionedDevice:
    package: ProvisioningPackage
    firmware_family: str
    memory: JsonFileMemory


def firmware_public_key(home: Path) -> str | None:
    """The stack's firmware public key (base64 of 32 bytes), read from its signing key file."""
    key_file = home / FIRMWARE_KEY_FILE
    if not key_file.exists():
        return None
    return base64.b64encode(FileManifestSigner.from_file(key_file).public_key()).decode()


class PackageFolder:
    def __init__(self, home: Path) -> None:
        self.packages = home / PACKAGES
        self.memories = home / MEMORIES

    def load(self, device_id: str) -> ProvisioningPackage | None:
        try:
            return ProvisioningPackage.model_validate_json(
                (self.packages / f"{device_id}.json").read_bytes()
            )
        except FileNotFoundError:
            return None
        except (OSError, ValidationError) as exc:
            raise SimulatorError(f"{self.packages / device_id}.json: unreadable ({exc})") from exc

    def save(self, package: ProvisioningPackage) -> None:
        """Owner-only, written whole (the password is in it)."""
        write_private_file(self.packages / f"{package.device_id}.json", package.model_dump_json())

    def memory(self, device_id: str) -> JsonFileMemory:
        return JsonFileMemory(self.memories / f"{device_id}.json")


def device_ports(
    settings: Settings, home: Path, database: Database[dict[str, Any]]
) -> tuple[DevicePorts, MqttControlChannel]:
    """The device services over the stack's adapters, as the provisioning function has them,
    with the stack's firmware key in every package. Close the channel when done."""
    username, password = mqtt_credentials(home, REGISTRY_USER)
    control = MqttControlChannel(
        BrokerLogin(settings.mqtt_host, settings.mqtt_port, username, password)
    )
    sqs = aws_client("sqs", settings)
    channel = SqsDeviceChannel(SqsPublisher(sqs, queue_url(sqs, settings.device_outbound_queue)))
    endpoint = BrokerEndpoint(
        host=settings.broker_public_host,
        port=settings.broker_public_port,
        tls=settings.broker_public_tls,
    )
    ports = build_device_ports(
        database,
        broker=DynsecBrokerIdentities(control),
        channel=channel,
        endpoint=endpoint,
        firmware_public_key=firmware_public_key(home),
    )
    return ports, control


def seed_starter_rules(
    fleet: Sequence[SimulatedDevice],
    settings: Settings,
    database: Database[dict[str, Any]],
    org_id: str,
    ports: DevicePorts,
) -> None:
    """When the fleet is first onboarded, an organization without rules gets the starter set."""
    sqs = aws_client("sqs", settings)
    notifications = SqsPublisher(sqs, queue_url(sqs, settings.notifications_queue))
    telemetry = InfluxTelemetryStore.from_settings(settings)
    evaluation = build_alerting_ports(settings, database, telemetry, notifications)
    rules = MongoRuleStore(database[RULES])
    added = add_starter_rules(org_id, fleet, rules, ports.types, evaluation, datetime.now(tz=UTC))
    if added:
        log.info("starter rules added", extra={"org_id": org_id, "rules": added})


def provision_fleet(
    fleet: Sequence[SimulatedDevice],
    settings: Settings,
    email: str,
    home: Path,
    *,
    starter_rules: bool = False,
) -> list[ProvisionedDevice]:
    """A package per simulated device in ``email``'s organization: kept, reissued or new. With
    ``starter_rules``, the fleet's first onboarding also seeds ``starter_rules.py``'s set."""
    folder = PackageFolder(home)
    database = connect_mongo(settings)
    ports, control = device_ports(settings, home, database)
    try:
        org_id = owner_org(database, email)
        ensure_types(fleet, org_id, ports.types)
        packages: dict[str, ProvisioningPackage] = {}
        new: list[SimulatedDevice] = []
        for device in fleet:
            stored = ports.devices.get(org_id, device.device_id)
            kept = folder.load(device.device_id)
            if stored is None:
                new.append(device)
            elif kept is not None and kept.org_id == org_id and stored.credential_hash:
                packages[device.device_id] = kept
            else:
                packages[device.device_id] = reissue_credentials(org_id, device.device_id, ports)
        for start in range(0, len(new), ONBOARD_BATCH):
            batch = new[start : start + ONBOARD_BATCH]
            bodies = [
                NewDevice(
                    name=d.device_id,
                    device_type=type_id(d.profile.device_type),
                    tags=[SIMULATED_TAG],
                )
                for d in batch
            ]
            made = onboard_devices(org_id, bodies, ports, device_ids=[d.device_id for d in batch])
            packages.update((p.device_id, p) for p in made)
        if new and starter_rules:
            seed_starter_rules(fleet, settings, database, org_id, ports)
        for package in packages.values():
            folder.save(package)
        return [
            ProvisionedDevice(
                package=packages[d.device_id],
                firmware_family=type_id(d.profile.device_type),
                memory=folder.memory(d.device_id),
            )
            for d in fleet
        ]
    finally:
        control.close()
        database.client.close()
