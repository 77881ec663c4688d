"""The InfluxDB 1.x client every InfluxDB adapter uses, built from the settings."""

from __future__ import annotations

from influxdb import InfluxDBClient

from iotsphere.settings import Settings


def influx_client(settings: Settings) -> InfluxDBClient:
    """A client of ``settings.influx_url`` (v1 HTTP API); it connects on first use."""
    host_port = settings.influx_url.split("://", 1)[-1].rstrip("/")
    host, _, port = host_port.partition(":")
    return InfluxDBClient(
        host=host,
        port=int(port or 8086),
        username=settings.influx_username or None,
        password=settings.influx_password or None,
        database=settings.influx_database,
        ssl=settings.influx_url.startswith("https"),
        timeout=settings.influx_timeout_s,
        retries=1,
    )
