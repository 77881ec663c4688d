"""Builds adapters from settings, once per process and only when first asked (no I/O at import)."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from pymongo import MongoClient

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.adapters.influx_telemetry import InfluxTelemetryStore
from iotsphere.adapters.mongo_quarantine import COLLECTION, MongoQuarantineStore
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.domain.telemetry import TelemetryLimits
from iotsphere.services.ingest import IngestPorts
from iotsphere.settings import Settings


@cache
def settings() -> Settings:
    return Settings.from_env()


@cache
def telemetry_store() -> InfluxTelemetryStore:
    return InfluxTelemetryStore.from_settings(settings())


def build_quarantine_store(config: Settings) -> MongoQuarantineStore:
    client: MongoClient[dict[str, object]] = MongoClient(
        config.mongo_url, serverSelectionTimeoutMS=5000, tz_aware=True
    )
    return MongoQuarantineStore(client[config.mongo_database][COLLECTION])


@cache
def quarantine_store() -> MongoQuarantineStore:
    return build_quarantine_store(settings())


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
