"""A device's reading reaches its open chart: agent → Mosquitto → bridge → SQS → ingest →
InfluxDB → API → the chart's next read."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.api.client import ApiClient
from tests.e2e.fleet import wait_until
from tests.e2e.web.devices import Onboarded, OnlineDevice, wait_for_status
from tests.e2e.web.harness import FlowRunner, WebOrganization

pytestmark = pytest.mark.e2e


def test_a_published_reading_appears_on_the_open_chart(
    flows: FlowRunner, web_org: WebOrganization, new_device: Onboarded
) -> None:
    admin = web_org.org.admin
    value = round(random.uniform(60, 90), 2)  # far from the history: its own point
    with OnlineDevice(new_device) as device:
        wait_for_status(admin, device.id, "online")
        start = datetime.now(tz=UTC) - timedelta(minutes=10)
        for n in range(20):  # a history of 20 to 24 degrees, so the chart has a line to extend
            last = device.publish(at=start + timedelta(seconds=30 * n), temperature=20 + n % 5)
        assert wait_until(lambda: latest_of(admin, device.id).get("time") == last, timeout=30)
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
    label = f"temperature of {device.id}, {{}} points"
    assert result.facts["chart_before"] == label.format(20)  # one 12 s window per reading
    assert result.facts["chart_label"] == label.format(21)
    assert value in result.facts["values"]

    stored = latest_of(admin, device.id)
    assert stored["value"] == value
    assert stored["time"] == sent_at  # the device's own timestamp


def latest_of(client: ApiClient, device_id: str) -> dict[str, Any]:
    """The device's latest temperature ({} before any), its time parsed."""
    answer = client.get(
        "/v1/telemetry/latest", params={"device_id": device_id, "metric": "temperature"}
    )
    assert answer.status_code == 200, answer.text
    values = answer.json()["values"]
    if not values:
        return {}
    (latest,) = values
    return {**latest, "time": datetime.fromisoformat(latest["time"])}
