"""Create the stack's resources, idempotently: SQS queues with DLQs, S3 buckets, the InfluxDB
database and retention policy, MongoDB indexes. Running it again changes nothing."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pymongo import ASCENDING, MongoClient
from pymongo.database import Database
from pymongo.errors import PyMongoError

from iotsphere.adapters import mongo_firmware_releases, mongo_firmware_rollouts
from iotsphere.adapters.mongo_alerting_ports import ensure_alerting_indexes
from iotsphere.adapters.mongo_devices_indexes import ensure_device_indexes
from iotsphere.adapters.mongo_identity import ensure_identity_indexes
from iotsphere.adapters.mongo_notifications_ports import ensure_notification_indexes
from iotsphere.local.config import StackConfig
from iotsphere.local.errors import ProvisioningError
from iotsphere.local.provision_aws import (
    aws,
    provision_bucket_cors,
    provision_bucket_notifications,
    provision_buckets,
    provision_queues,
)

RETENTION_POLICY = "autogen"
PROVISIONED = ("localstack", "influxdb", "mongodb")  # the services that hold resources

# Each store package creates its own indexes (unique keys, TTLs); the quarantine's are listed here.
INDEXES_OF_STORES: list[Callable[[Database[dict[str, Any]]], object]] = [
    ensure_identity_indexes,
    ensure_alerting_indexes,
    ensure_device_indexes,
    ensure_notification_indexes,
]
FIRMWARE_INDEXES = mongo_firmware_releases.INDEXES + mongo_firmware_rollouts.INDEXES
# (collection, keys) of the quarantine's MongoDB indexes
MONGO_INDEXES: list[tuple[str, list[tuple[str, int]]]] = [
    ("quarantine", [("device_id", ASCENDING), ("received_at", ASCENDING)]),
    ("quarantine", [("reason", ASCENDING)]),
]


def influx_query(port: int, statement: str) -> None:
    body = urllib.parse.urlencode({"q": statement}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/query", data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our URL)
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        answer = json.loads(exc.read() or b"{}") or {"error": f"HTTP {exc.code}"}
    errors = [r["error"] for r in answer.get("results", []) if "error" in r]
    if "error" in answer or errors:
        reason = answer.get("error") or errors[0]
        raise ProvisioningError(f"InfluxDB refused {statement!r}: {reason}")


def provision_influx(config: StackConfig) -> list[str]:
    influx = config.services.influxdb
    database = influx.database.replace('"', "")
    duration = f"{influx.retention_days}d"
    influx_query(influx.port, f'CREATE DATABASE "{database}"')
    influx_query(
        influx.port,
        f'ALTER RETENTION POLICY "{RETENTION_POLICY}" ON "{database}" '
        f"DURATION {duration} SHARD DURATION 1d DEFAULT",
    )
    return [f"influxdb database {database} (retention {duration})"]


def provision_mongo(config: StackConfig) -> list[str]:
    client: MongoClient[dict[str, Any]] = MongoClient(
        config.mongo_url, serverSelectionTimeoutMS=5000
    )
    try:
        database = client[config.services.mongodb.database]
        names = [database[c].create_index(keys) for c, keys in MONGO_INDEXES]
        for ensure in INDEXES_OF_STORES:
            ensure(database)
        for collection, keys, unique in FIRMWARE_INDEXES:
            database[collection].create_index(keys, unique=unique)
    finally:
        client.close()
    return [f"mongodb index {name}" for name in names] + [
        f"mongodb indexes of the {area} stores"
        for area in ("identity", "alerting", "device", "notification", "firmware")
    ]


def provision(
    config: StackConfig, functions_dir: Path, services: tuple[str, ...] = PROVISIONED
) -> list[str]:
    """The resources of ``services`` (all by default); one line per resource for the summary."""
    steps: dict[str, Callable[[], list[str]]] = {
        "localstack": lambda: [
            *provision_queues(aws("sqs", config), config, functions_dir),
            *provision_buckets(aws("s3", config), config),
            *provision_bucket_cors(aws("s3", config), config),
            *provision_bucket_notifications(aws("s3", config), aws("sqs", config), config),
        ],
        "influxdb": lambda: provision_influx(config),
        "mongodb": lambda: provision_mongo(config),
    }
    try:
        return [line for service in services for line in steps[service]()]
    except (BotoCoreError, ClientError, PyMongoError, OSError, ValueError) as exc:
        raise ProvisioningError(f"provisioning failed: {exc}") from exc
