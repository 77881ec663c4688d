"""The rollout services' ports over MongoDB, S3 and the ``device-outbound`` queue, built from
explicit clients: what ``bootstrap.rollout_ports`` builds from settings, and what a test or a
benchmark builds for a stack of its own (the same adapters the functions run with)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pymongo.database import Database

from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.adapters.mongo_devices_types import COLLECTION as DEVICE_TYPES
from iotsphere.adapters.mongo_devices_types import MongoDeviceTypeRepository
from iotsphere.adapters.mongo_firmware_releases import COLLECTION as RELEASES
from iotsphere.adapters.mongo_firmware_releases import MongoReleaseStore
from iotsphere.adapters.mongo_firmware_rollouts import DEVICES as ROLLOUT_DEVICES
from iotsphere.adapters.mongo_firmware_rollouts import ROLLOUTS, MongoRolloutStore
from iotsphere.adapters.s3_firmware_images import S3FirmwareImages
from iotsphere.adapters.sqs_firmware_offer_publisher import SqsFirmwareOfferPublisher
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.services.firmware.ports import MAX_URL_TTL, RolloutPorts
from iotsphere.services.firmware.registry_targets import RegistryTargets


def build_rollout_ports(
    database: Database[dict[str, Any]],
    s3: Any,
    bucket: str,
    device_outbound: SqsPublisher,
    url_ttl: timedelta = MAX_URL_TTL,
) -> RolloutPorts:
    targets = RegistryTargets(
        MongoDeviceRepository(database[DEVICES]),
        MongoDeviceTypeRepository(database[DEVICE_TYPES]),
    )
    return RolloutPorts(
        releases=MongoReleaseStore(database[RELEASES]),
        rollouts=MongoRolloutStore(database[ROLLOUTS], database[ROLLOUT_DEVICES]),
        targets=targets,
        images=S3FirmwareImages(s3, bucket),
        offers=SqsFirmwareOfferPublisher(device_outbound),
        url_ttl=url_ttl,
    )
