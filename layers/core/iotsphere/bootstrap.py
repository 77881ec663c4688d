"""Builds adapters from settings, once per process and only when first asked (no I/O at import)."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database

from iotsphere.adapters.argon2_password_hasher import Argon2PasswordHasher
from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.adapters.file_manifest_signer import FileManifestSigner
from iotsphere.adapters.influx_alarm_events import InfluxAlarmEvents
from iotsphere.adapters.influx_alert_events import InfluxAlertEvents
from iotsphere.adapters.influx_telemetry import InfluxTelemetryStore
from iotsphere.adapters.jwt_token_codec import JwtTokenCodec
from iotsphere.adapters.mongo_alarm_outbox import mongo_alarm_outbox_ports
from iotsphere.adapters.mongo_alerting_catalogs import mongo_alert_admin_ports
from iotsphere.adapters.mongo_alerting_ports import mongo_alerting_ports
from iotsphere.adapters.mongo_devices import COLLECTION as DEVICES
from iotsphere.adapters.mongo_devices import MongoDeviceRepository
from iotsphere.adapters.mongo_devices_ports import build_device_ports
from iotsphere.adapters.mongo_devices_types import COLLECTION as DEVICE_TYPES
from iotsphere.adapters.mongo_devices_types import MongoDeviceTypeRepository
from iotsphere.adapters.mongo_firmware_releases import COLLECTION as RELEASES
from iotsphere.adapters.mongo_firmware_releases import MongoReleaseStore
from iotsphere.adapters.mongo_firmware_rollouts import DEVICES as ROLLOUT_DEVICES
from iotsphere.adapters.mongo_firmware_rollouts import ROLLOUTS, MongoRolloutStore
from iotsphere.adapters.mongo_identity import mongo_identity_ports
from iotsphere.adapters.mongo_notifications_ports import mongo_notification_ports
from iotsphere.adapters.mongo_quarantine import COLLECTION, MongoQuarantineStore
from iotsphere.adapters.mosquitto_control import BrokerLogin, MqttControlChannel
from iotsphere.adapters.mosquitto_dynsec import DynsecBrokerIdentities
from iotsphere.adapters.s3_firmware_images import S3FirmwareImages
from iotsphere.adapters.smtp_channel import SmtpSender
from iotsphere.adapters.sqs_device_channel import SqsDeviceChannel
from iotsphere.adapters.sqs_firmware_offer_publisher import SqsFirmwareOfferPublisher
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.adapters.webhook_channel import WebhookSender
from iotsphere.domain.devices.messages import BrokerEndpoint
from iotsphere.domain.telemetry import TelemetryLimits
from iotsphere.services.alerting.admin_ports import AlertAdminPorts
from iotsphere.services.alerting.alarm_outbox import OutboxPorts
from iotsphere.services.alerting.history import TelemetryHistory
from iotsphere.services.alerting.ports import AlertingPorts
from iotsphere.services.devices.ports import DevicePorts
from iotsphere.services.firmware.errors import SigningKeyError
from iotsphere.services.firmware.ports import RolloutPorts
from iotsphere.services.firmware.registry_targets import RegistryTargets
from iotsphere.services.firmware.signing import SigningPolicy, SigningPorts
from iotsphere.services.identity.ports import IdentityPorts
from iotsphere.services.ingest import IngestPorts
from iotsphere.services.notifications.ports import NotificationPorts
from iotsphere.services.ports import MessagePublisher
from iotsphere.settings import Settings


@cache
def settings() -> Settings:
    return Settings.from_env()


@cache
def telemetry_store() -> InfluxTelemetryStore:
    return InfluxTelemetryStore.from_settings(settings())


def connect_mongo(config: Settings) -> Database[dict[str, Any]]:
    """The operational database; pymongo connects on first use, not here."""
    client: MongoClient[dict[str, Any]] = MongoClient(
        config.mongo_url, serverSelectionTimeoutMS=5000, tz_aware=True
    )
    return client[config.mongo_database]


@cache
def mongo_database() -> Database[dict[str, Any]]:
    return connect_mongo(settings())


def build_quarantine_store(config: Settings) -> MongoQuarantineStore:
    return MongoQuarantineStore(connect_mongo(config)[COLLECTION])


@cache
def quarantine_store() -> MongoQuarantineStore:
    return MongoQuarantineStore(mongo_database()[COLLECTION])


def build_identity_ports(config: Settings, database: Database[dict[str, Any]]) -> IdentityPorts:
    secret = config.token_secret.get_secret_value()
    if not secret:
        raise RuntimeError(
            f"{Settings.env_name('token_secret')} is not set: tokens cannot be signed"
        )
    return mongo_identity_ports(
        database, hasher=Argon2PasswordHasher(), tokens=JwtTokenCodec(secret)
    )


@cache
def identity_ports() -> IdentityPorts:
    return build_identity_ports(settings(), mongo_database())


@cache
def notifications_publisher() -> SqsPublisher:
    config = settings()
    sqs = aws_client("sqs", config)
    return SqsPublisher(sqs, queue_url(sqs, config.notifications_queue))


def build_alerting_ports(
    config: Settings,
    database: Database[dict[str, Any]],
    telemetry: InfluxTelemetryStore,
    notifications: MessagePublisher,
) -> AlertingPorts:
    """The evaluator's ports over the stack's MongoDB and InfluxDB."""
    return mongo_alerting_ports(
        database,
        history=TelemetryHistory(telemetry),
        transitions=InfluxAlertEvents.from_settings(config),
        notifications=notifications,
    )


@cache
def alerting_ports() -> AlertingPorts:
    return build_alerting_ports(
        settings(), mongo_database(), telemetry_store(), notifications_publisher()
    )


@cache
def alerts_publisher() -> SqsPublisher:
    config = settings()
    sqs = aws_client("sqs", config)
    return SqsPublisher(sqs, queue_url(sqs, config.alerts_queue))


def telemetry_limits() -> TelemetryLimits:
    config = settings()
    return TelemetryLimits(
        max_future=timedelta(seconds=config.max_future_skew_s),
        max_age=timedelta(days=config.retention_days),
    )


@cache
def ingest_ports() -> IngestPorts:
    return IngestPorts(
        store=telemetry_store(),
        quarantine=quarantine_store(),
        alerts=alerts_publisher(),
        limits=telemetry_limits(),
    )


@cache
def signing_ports() -> SigningPorts:
    config = settings()
    if not config.firmware_key_file:
        name = Settings.env_name("firmware_key_file")
        raise SigningKeyError(f"{name} is not set: no key to sign firmware with")
    return SigningPorts(
        images=S3FirmwareImages(aws_client("s3", config), config.firmware_bucket),
        releases=MongoReleaseStore(mongo_database()[RELEASES]),
        signer=FileManifestSigner.from_file(Path(config.firmware_key_file)),
        policy=SigningPolicy(
            validity=timedelta(days=config.firmware_validity_days),
            max_image_bytes=config.firmware_max_image_mb * 1024 * 1024,
        ),
    )


@cache
def device_repository() -> MongoDeviceRepository:
    """The registry's devices alone, for reads that only check whose a device is."""
    return MongoDeviceRepository(mongo_database()[DEVICES])


@cache
def alert_admin_ports() -> AlertAdminPorts:
    """The Alerts API: rules, alarms, silences, device types, history for backtests."""
    return mongo_alert_admin_ports(
        mongo_database(),
        history=TelemetryHistory(telemetry_store()),
        transitions=InfluxAlertEvents.from_settings(settings()),
        notifications=notifications_publisher(),
        events=InfluxAlarmEvents.from_settings(settings()),
    )


@cache
def alarm_outbox_ports() -> OutboxPorts:
    """The sweep that sends what people's alarm actions saved but did not get to send."""
    return mongo_alarm_outbox_ports(
        mongo_database(),
        transitions=InfluxAlertEvents.from_settings(settings()),
        notifications=notifications_publisher(),
    )


@cache
def device_channel() -> SqsDeviceChannel:
    """What functions send to devices goes through the ``device-outbound`` queue and the bridge."""
    config = settings()
    sqs = aws_client("sqs", config)
    return SqsDeviceChannel(SqsPublisher(sqs, queue_url(sqs, config.device_outbound_queue)))


@cache
def broker_identities() -> DynsecBrokerIdentities:
    config = settings()
    login = BrokerLogin(
        host=config.mqtt_host,
        port=config.mqtt_port,
        username=config.mqtt_registry_username,
        password=config.mqtt_registry_password.get_secret_value(),
    )
    return DynsecBrokerIdentities(MqttControlChannel(login))


@cache
def device_ports() -> DevicePorts:
    """The Device API and the ``device-events`` handler: registry, shadows, commands, claims."""
    config = settings()
    endpoint = BrokerEndpoint(
        host=config.broker_public_host,
        port=config.broker_public_port,
        tls=config.broker_public_tls,
    )
    return build_device_ports(
        mongo_database(),
        broker=broker_identities(),
        channel=device_channel(),
        endpoint=endpoint,
        firmware_public_key=config.firmware_public_key or None,
    )


@cache
def firmware_images() -> S3FirmwareImages:
    config = settings()
    return S3FirmwareImages(aws_client("s3", config), config.firmware_bucket)


@cache
def release_store() -> MongoReleaseStore:
    return MongoReleaseStore(mongo_database()[RELEASES])


@cache
def registry_targets() -> RegistryTargets:
    """Rollout targets and the organization of a reporting device, from the device registry."""
    types = MongoDeviceTypeRepository(mongo_database()[DEVICE_TYPES])
    return RegistryTargets(device_repository(), types)


@cache
def device_outbound_publisher() -> SqsPublisher:
    """Bodies for the ``device-outbound`` queue, ten to a call (a wave's offers)."""
    config = settings()
    sqs = aws_client("sqs", config)
    return SqsPublisher(sqs, queue_url(sqs, config.device_outbound_queue))


@cache
def rollout_ports() -> RolloutPorts:
    """The Firmware API, the rollout sweep and firmware status reports."""
    database = mongo_database()
    return RolloutPorts(
        releases=release_store(),
        rollouts=MongoRolloutStore(database[ROLLOUTS], database[ROLLOUT_DEVICES]),
        targets=registry_targets(),
        images=firmware_images(),
        offers=SqsFirmwareOfferPublisher(device_outbound_publisher()),
    )


@cache
def notification_ports() -> NotificationPorts:
    config = settings()
    smtp = SmtpSender(
        config.smtp_host,
        config.smtp_port,
        config.smtp_sender,
        username=config.smtp_username or None,
        password=config.smtp_password.get_secret_value() or None,
        starttls=config.smtp_starttls,
    )
    return mongo_notification_ports(
        mongo_database(), smtp=smtp, webhooks=WebhookSender(timeout_s=config.webhook_timeout_s)
    )
