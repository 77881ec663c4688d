"""A device's reading reaches its open chart: agent → Mosquitto → bridge → SQS → ingest →
InfluxDB → API → the chart's next read."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from tests.e2e.web.devices import Onboarded, OnlineDevice, wait_for_status
from tests.e2e.web.harness import FlowRunner, WebOrganization

pytestmark = pytest.mark.e2e


def test_a_published_reading_appears_on_the_open_chart(
    flows: FlowRunner, web_org: WebOrganization, new_device: Onboarded
) -> None:
    admin = web_org.org.admin
    value = round(random.uniform(20, 90), 2)
    with OnlineDevice(new_device) as device:
        wait_for_status(admin, device.id, "online")
        with flows.running(
            "live-telemetry",
            device_id=device.id,
            device_name=new_device.name,
            metric="temperature",
        ) as flow:
            flow.wait_for("watching")
            sent_at = device.publish(temperature=value)
            flow.send("published", value=value)
            result = flow.finish()
    result.assert_clean()
    assert result.facts["status"] == "online"
    assert result.facts["chart_label"].startswith(f"temperature of {device.id}, ")
    assert value in result.facts["values"]

    latest = admin.get(
        "/v1/telemetry/latest", params={"device_id": device.id, "metric": "temperature"}
    )
    assert latest.status_code == 200, latest.text
    (stored,) = latest.json()["values"]
    assert stored["value"] == value
    assert datetime.fromisoformat(stored["time"]) == sent_at  # the device's own timestamp
