"""The model of ``samplelocal.yml``: services and ports, queues, buckets, triggers, bridge."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from iotsphere.settings import Settings

DEFAULT_CONFIG = "samplelocal.yml"


class StackConfigError(Exception):
    """samplelocal.yml is missing or does not describe a valid stack."""


SCHEDULE_OFF = "off"  # under schedules:, a schedule the local runner does not fire


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MosquittoService(_Strict):
    port: int = 11883


class InfluxService(_Strict):
    port: int = 18086
    rpc_port: int = 18088
    database: str = "iotsphere"
    retention: str = "30d"

    @property
    def retention_days(self) -> int:
        unit = self.retention[-1]
        amount = int(self.retention[:-1])
        if unit == "d":
            return amount
        if unit == "w":
            return amount * 7
        raise StackConfigError(
            f"influxdb.retention {self.retention!r}: use days (30d) or weeks (4w)"
        )


class MongoService(_Strict):
    port: int = 27117
    database: str = "iotsphere"
    url: str | None = None


class LocalStackService(_Strict):
    port: int = 4566
    region: str = "us-east-1"


class ApiService(_Strict):
    port: int = 8000


class WebService(_Strict):
    port: int = 18080


class MailService(_Strict):
    """The mail sink: an SMTP server that writes each message under the stack's home."""

    port: int = 11025


class Services(_Strict):
    mosquitto: MosquittoService = MosquittoService()
    influxdb: InfluxService = InfluxService()
    mongodb: MongoService = MongoService()
    localstack: LocalStackService = LocalStackService()
    api: ApiService = ApiService()
    web: WebService = WebService()
    mail: MailService = MailService()


class QueueSpec(_Strict):
    consumer: str | None = None
    max_receive_count: int = Field(default=5, ge=1)


class Trigger(_Strict):
    queue: str


class FunctionSpec(_Strict):
    trigger: Trigger
    concurrency: int = Field(default=1, ge=1, le=16)


class BridgeSpec(_Strict):
    topics: dict[str, str] = {"telemetry": "devices/+/telemetry"}
    share_group: str = "iotsphere-bridge"
    queue: str = "telemetry"
    events_queue: str = "device-events"
    outbound_queue: str = "device-outbound"
    flush_ms: int = Field(default=100, ge=1, le=5000)
    max_envelope_bytes: int = Field(default=240_000, ge=1024, le=262_144)


class BucketNotification(_Strict):
    """Objects created under ``prefix`` in ``bucket`` are announced on ``queue`` (S3 -> SQS)."""

    bucket: str
    prefix: str = ""
    queue: str


class SimulatorSpec(_Strict):
    devices: int = Field(default=5, ge=0)
    rate: float = Field(default=1.0, gt=0)
    faults: str = ""  # the simulator's --faults, e.g. "spike=0.005": kind=chance per reading


class StackConfig(_Strict):
    version: int = 1
    services: Services = Services()
    queues: dict[str, QueueSpec] = {}
    buckets: list[str] = []
    bucket_notifications: list[BucketNotification] = []
    browser_uploads: list[str] = []  # buckets the web app PUTs to through presigned URLs
    functions: dict[str, FunctionSpec] = {}
    schedules: dict[str, str] = {}  # a function's local rate(...), or "off"
    bridge: BridgeSpec = BridgeSpec()
    simulator: SimulatorSpec = SimulatorSpec()

    @field_validator("schedules", mode="before")
    @classmethod
    def _bare_off(cls, value: object) -> object:
        """YAML 1.1 reads a bare ``off`` as false; the stack file means the word."""
        if isinstance(value, dict):
            return {k: SCHEDULE_OFF if v is False else v for k, v in value.items()}
        return value

    @property
    def mongo_url(self) -> str:
        mongo = self.services.mongodb
        return mongo.url or f"mongodb://127.0.0.1:{mongo.port}"

    def settings(self) -> Settings:
        """The settings every function and process of this stack runs with."""
        svc = self.services
        return Settings(
            influx_url=f"http://127.0.0.1:{svc.influxdb.port}",
            influx_database=svc.influxdb.database,
            mongo_url=self.mongo_url,
            mongo_database=svc.mongodb.database,
            aws_endpoint_url=f"http://127.0.0.1:{svc.localstack.port}",
            aws_region=svc.localstack.region,
            retention_days=svc.influxdb.retention_days,
            mqtt_port=svc.mosquitto.port,
            broker_public_port=svc.mosquitto.port,
            smtp_host="127.0.0.1",  # the mail sink: e-mail notifications land as files
            smtp_port=svc.mail.port,
            # the web app's server (frontend/scripts/serve.mjs) forwards /v1 and appends the
            # browser's address to X-Forwarded-For; callers of the API's own port send none
            trusted_proxy_hops=1,
        )


def child_env(config: StackConfig) -> dict[str, str]:
    """What every child of the stack runs with: this environment, the stack's settings,
    LocalStack's keys."""
    return {
        **os.environ,
        **config.settings().to_env(),
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": config.services.localstack.region,
        "PYTHONUNBUFFERED": "1",
    }


def find_project_root(config_path: Path) -> Path:
    """The folder holding ``functions/.chalice``, looking up from the config file."""
    for folder in (config_path.parent, *config_path.parents):
        if (folder / "functions" / ".chalice" / "config.json").is_file():
            return folder
    return Path.cwd()


def load_stack_config(path: str | Path = DEFAULT_CONFIG) -> StackConfig:
    """Read and validate ``samplelocal.yml``; raise ``StackConfigError`` with the reason."""
    file = Path(path)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise StackConfigError(f"{file}: not found (run from the project root)") from exc
    except yaml.YAMLError as exc:
        raise StackConfigError(f"{file}: not valid YAML: {exc}") from exc
    try:
        return StackConfig.model_validate(raw or {})
    except ValidationError as exc:
        raise StackConfigError(f"{file}: {exc}") from exc
