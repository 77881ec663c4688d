"""Settings of the functions and processes, read once from the environment.

Every environment variable the package reads is named here and nowhere else. An explicit argument
always beats the environment: build a ``Settings(...)`` yourself in tests.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Self

from pydantic import BaseModel, Field, SecretStr

ENV_PREFIX = "IOTSPHERE_"


class Settings(BaseModel):
    """Where the adapters find their services. Defaults match ``samplelocal.yml``."""

    model_config = {"frozen": True}

    influx_url: str = "http://127.0.0.1:18086"
    influx_database: str = "iotsphere"
    influx_username: str = ""
    influx_password: str = ""
    influx_timeout_s: float = 5.0
    mongo_url: str = "mongodb://127.0.0.1:27117"
    mongo_database: str = "iotsphere"
    aws_endpoint_url: str | None = "http://127.0.0.1:4566"
    aws_region: str = "us-east-1"
    telemetry_queue: str = "telemetry"
    alerts_queue: str = "alerts"
    notifications_queue: str = "notifications"
    device_events_queue: str = "device-events"
    device_outbound_queue: str = "device-outbound"
    retention_days: int = Field(default=30, ge=1)
    max_future_skew_s: int = Field(default=600, ge=0)
    firmware_key_file: str = Field(
        default="", description="the Ed25519 key that signs firmware manifests (PEM, mode 0600)"
    )
    firmware_public_key: str = Field(
        default="",
        description="base64 of the raw Ed25519 public key devices verify manifests with",
    )
    firmware_bucket: str = "iotsphere-firmware"
    firmware_validity_days: int = Field(default=90, ge=1, le=3650)
    firmware_max_image_mb: int = Field(default=256, ge=1, le=4096)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_sender: str = "IoTSphere <alerts@iotsphere.local>"
    smtp_username: str = ""
    smtp_password: SecretStr = Field(default=SecretStr(""))
    smtp_starttls: bool = False
    webhook_timeout_s: float = Field(default=5.0, gt=0, le=30)
    token_secret: SecretStr = Field(
        default=SecretStr(""), description="signs access tokens; the local stack generates one"
    )
    mqtt_host: str = Field(default="127.0.0.1", description="the broker as the platform reaches it")
    mqtt_port: int = Field(default=11883, ge=1, le=65535)
    mqtt_registry_username: str = Field(
        default="iotsphere-registry", description="adds and removes device identities"
    )
    mqtt_registry_password: SecretStr = Field(default=SecretStr(""))
    broker_public_host: str = Field(
        default="127.0.0.1", description="the broker as devices reach it (provisioning packages)"
    )
    broker_public_port: int = Field(default=11883, ge=1, le=65535)
    broker_public_tls: bool = False
    trusted_proxy_hops: int = Field(
        default=0,
        ge=0,
        le=5,
        description="proxies in front of the API that append the caller to X-Forwarded-For",
    )

    @classmethod
    def env_name(cls, field: str) -> str:
        """The variable that sets ``field`` (``token_secret`` -> ``IOTSPHERE_TOKEN_SECRET``)."""
        if field not in cls.model_fields:
            raise KeyError(field)
        return ENV_PREFIX + field.upper()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Build settings from ``IOTSPHERE_*`` variables (``IOTSPHERE_INFLUX_URL`` …)."""
        env = os.environ if environ is None else environ
        values: dict[str, str] = {}
        for name in cls.model_fields:
            key = ENV_PREFIX + name.upper()
            if key in env:
                values[name] = env[key]
        if values.get("aws_endpoint_url") == "":
            values.pop("aws_endpoint_url")
            return cls.model_validate({**values, "aws_endpoint_url": None})
        return cls.model_validate(values)

    def to_env(self) -> dict[str, str]:
        """The environment that makes ``from_env`` rebuild these settings in a child process."""
        env = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if value == "":
                continue  # an unset value never hides one the environment holds (a key file …)
            env[ENV_PREFIX + name.upper()] = "" if value is None else str(value)
        return env
