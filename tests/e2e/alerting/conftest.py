"""The end-to-end alerting test's set-up: the API and an organization (the fixtures of
``tests/e2e/api``), the whole pipeline (``platform``), a webhook receiver on this test's own
ports, and the alerting ports of the test stack for invoking the missing-data sweep."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from iotsphere.adapters.aws import aws_client, queue_url
from iotsphere.adapters.influx_alert_events import InfluxAlertEvents
from iotsphere.adapters.influx_telemetry import InfluxTelemetryStore
from iotsphere.adapters.mongo_alerting_ports import mongo_alerting_ports
from iotsphere.adapters.sqs_publisher import SqsPublisher
from iotsphere.bootstrap import connect_mongo
from iotsphere.services.alerting.history import TelemetryHistory
from iotsphere.services.alerting.ports import AlertingPorts
from iotsphere.settings import Settings
from tests.e2e.alerting.receivers import WebhookReceiver


@pytest.fixture(scope="module")
def webhook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def alerting_ports(settings: Settings) -> Iterator[AlertingPorts]:
    """What ``sweep_missing_data`` runs with, built on the test stack: the test sweeps itself
    rather than wait for the runner's minute (the same service, safe beside the runner's)."""
    database = connect_mongo(settings)
    sqs = aws_client("sqs", settings)
    yield mongo_alerting_ports(
        database,
        history=TelemetryHistory(InfluxTelemetryStore.from_settings(settings)),
        transitions=InfluxAlertEvents.from_settings(settings),
        notifications=SqsPublisher(sqs, queue_url(sqs, settings.notifications_queue)),
    )
    database.client.close()
